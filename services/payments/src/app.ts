import type { AppOptions } from "@causeway/kit";
import { buildApp } from "@causeway/kit";
import type { FastifyInstance, FastifyPluginAsync } from "fastify";
import type { Pool } from "pg";
import { listCharges } from "./ledger";

export interface PaymentsRoutesOptions {
  readonly pool: Pool;
}

/**
 * The operators' API, internal only (never exposed through the ALB; only the gateway is):
 * GET /charges?orderId=<uuid> lists the order's ledger rows (0 or 1).
 */
export const paymentsRoutes: FastifyPluginAsync<PaymentsRoutesOptions> = async (api, opts) => {
  api.get<{ Querystring: { orderId: string } }>(
    "/charges",
    {
      schema: {
        querystring: {
          type: "object",
          additionalProperties: false,
          required: ["orderId"],
          properties: { orderId: { type: "string", format: "uuid" } },
        },
      },
    },
    async (req) => ({ charges: await listCharges(opts.pool, req.query.orderId) }),
  );
};

/** The payments app without listening or consuming (tests). */
export async function buildPaymentsApp(
  opts: PaymentsRoutesOptions & { readonly app?: Partial<AppOptions> },
): Promise<FastifyInstance> {
  const app = buildApp({ serviceName: "payments", ...opts.app });
  await app.register(paymentsRoutes, opts);
  return app;
}
