import type { Child } from "./children";
import { spawnTs } from "./children";
import type { World } from "./harness";
import { TEST_AMQP_URL, TEST_DATABASE_URL, uniqueName, waitFor } from "./harness";

/** A service process of this repository, from source, and the address it listens on. */
export interface RunningService {
  readonly child: Child;
  readonly address: string;
  /** Parsed JSON log lines (non-JSON lines are kept as { msg }). */
  logs(): Array<{ msg?: string; step?: number; [k: string]: unknown }>;
}

async function start(name: string, env: Record<string, string>): Promise<RunningService> {
  const child = spawnTs(`services/${name}/src/main.ts`, {
    SERVICE_NAME: name,
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "info",
    ...env,
  });
  const logs = () =>
    child.lines.map((l) => {
      try {
        return JSON.parse(l) as { msg?: string; step?: number; address?: string };
      } catch {
        return { msg: l };
      }
    });
  let address: string | undefined;
  await waitFor(
    `${name} to listen`,
    () => {
      if (child.proc.exitCode !== null) {
        throw new Error(`${name} exited ${child.proc.exitCode}: ${child.stderr().slice(-2000)}`);
      }
      address = logs().find((l) => l.msg === "listening")?.address as string | undefined;
      return address !== undefined;
    },
    60_000,
  );
  return { child, address: address!, logs };
}

/**
 * Starts the real orders service on the world's schema and exchange. Replicas started with the
 * same world share the schema and queues, as Kubernetes replicas do.
 */
export function startOrders(
  w: World,
  prefix: string,
  env: Record<string, string> = {},
): Promise<RunningService> {
  for (const q of ["payment-succeeded", "payment-failed"]) {
    w.trackQueue(`${prefix}.${q}`);
  }
  return start("orders", {
    DATABASE_URL: TEST_DATABASE_URL,
    DB_SCHEMA: w.schema,
    AMQP_URL: TEST_AMQP_URL,
    EVENTS_EXCHANGE: w.exchange,
    QUEUE_PREFIX: prefix,
    ...env,
  });
}

/**
 * Starts the real payments service on its own schema (`schema`, default `<world schema>_pay`)
 * and the world's exchange; its provider keeps its books in `<schema>_provider`. Both schemas
 * and the queues are deleted by the world's cleanup.
 */
export function startPayments(
  w: World,
  prefix: string,
  env: Record<string, string> = {},
  schema = `${w.schema}_pay`,
): Promise<RunningService> {
  w.trackQueue(`${prefix}.order-placed`);
  w.onCleanup(async () => {
    for (const s of [schema, `${schema}_provider`]) {
      await w.pool.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    }
  });
  return start("payments", {
    DATABASE_URL: TEST_DATABASE_URL,
    DB_SCHEMA: schema,
    AMQP_URL: TEST_AMQP_URL,
    EVENTS_EXCHANGE: w.exchange,
    QUEUE_PREFIX: prefix,
    ...env,
  });
}

/** Starts the real gateway in front of `ordersUrl`. */
export function startGateway(ordersUrl: string, env: Record<string, string> = {}) {
  return start("gateway", { ORDERS_URL: ordersUrl, ...env });
}

export { uniqueName };
