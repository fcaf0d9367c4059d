import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { skipWithoutServers } from "../../kit/test/servers";
import { killAllChildren } from "./children";
import type { World } from "./harness";
import { createWorld, summarize, uniqueName } from "./harness";
import { orderBody, postJson } from "./http";
import { TEST_TIMEOUT_MS } from "./scale";
import { startGateway, startOrders } from "./services";

const CONCURRENT = 50;

describe("F6: 50 concurrent POSTs with one Idempotency-Key (real gateway and orders)", () => {
  let world: World | undefined;
  afterAll(async () => {
    await killAllChildren();
    await world?.cleanup();
  });

  it(
    "one order; in-flight duplicates 409; later replays get the stored response; another payload 422",
    async (ctx) => {
      if (await skipWithoutServers(ctx)) return;
      const w = (world = await createWorld("f6"));
      const fastDrain = { DRAIN_DELAY_MS: "200" };
      const orders = await startOrders(w, uniqueName("faults.f6.orders"), fastDrain);
      const gateway = await startGateway(orders.address, fastDrain);
      const url = `${gateway.address}/orders`;
      const key = randomUUID();
      const body = orderBody(`customer-${key}`);

      const burst = await Promise.all(
        Array.from({ length: CONCURRENT }, () => postJson(url, body, { "idempotency-key": key })),
      );
      const replayedHeader = (r: (typeof burst)[number]) =>
        r.headers["idempotent-replayed"] === "true";
      const original = burst.filter((r) => r.status === 201 && !replayedHeader(r));
      const replays = burst.filter((r) => r.status === 201 && replayedHeader(r));
      const inFlight = burst.filter((r) => r.status === 409);
      const later = await postJson(url, body, { "idempotency-key": key });
      const otherPayload = await postJson(url, orderBody(`other-${key}`), {
        "idempotency-key": key,
      });

      const { rows } = await w.pool.query<{ id: string }>(
        `SELECT id FROM "${w.schema}".orders WHERE idempotency_key = $1`,
        [key],
      );
      const { rows: outbox } = await w.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${w.schema}".outbox WHERE type = 'order.placed'`,
      );
      summarize("F6", {
        sent: CONCURRENT + 2,
        effects: rows.length,
        lost: rows.length === 0 ? 1 : 0,
        duplicates: Math.max(0, rows.length - 1),
        redeliveries: inFlight.length + replays.length + 1,
        dlq: 0,
      });

      expect(rows).toHaveLength(1);
      expect(outbox[0]!.n).toBe(1);
      // Every answer of the burst is the original, an in-flight 409 or a replay of it.
      expect(original).toHaveLength(1);
      expect(original.length + replays.length + inFlight.length).toBe(CONCURRENT);
      expect(inFlight.length).toBeGreaterThan(0);
      for (const r of inFlight) {
        expect(JSON.parse(r.body).error.code).toBe("IDEMPOTENCY_KEY_IN_FLIGHT");
      }
      const created = JSON.parse(original[0]!.body) as { id: string };
      expect(created.id).toBe(rows[0]!.id);
      for (const r of replays) expect(JSON.parse(r.body)).toEqual(created);
      // Later: the stored response, replayed; a different payload under the same key: 422.
      expect(later.status).toBe(201);
      expect(later.headers["idempotent-replayed"]).toBe("true");
      expect(JSON.parse(later.body)).toEqual(created);
      expect(otherPayload.status).toBe(422);
      expect(JSON.parse(otherPayload.body).error.code).toBe("IDEMPOTENCY_KEY_REUSED");
      expect(await gateway.child.kill("SIGTERM")).toBe(0);
      expect(await orders.child.kill("SIGTERM")).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );
});
