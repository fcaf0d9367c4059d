import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { skipWithoutServers } from "../../kit/test/servers";
import { killAllChildren } from "../../faults/test/children";
import type { World } from "../../faults/test/harness";
import { createWorld, sleep, waitFor } from "../../faults/test/harness";
import { orderBody, postJson } from "../../faults/test/http";
import { startOrders, uniqueName } from "../../faults/test/services";
import { IDEMPOTENCY_LEASE_MS } from "@causeway/kit";

describe("a crashed key holder (real orders processes, SIGKILL)", () => {
  let world: World | undefined;
  afterAll(async () => {
    await killAllChildren();
    await world?.cleanup();
  });

  it("its claim expires within one lease (5 s), not a minute; the retry then creates the order once", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const w = (world = await createWorld("lease"));
    const prefix = uniqueName("faults.lease.orders");
    const first = await startOrders(w, prefix);
    // Hold the order's INSERT while a flag is set, so the holder is mid-request when it dies.
    await w.pool.query(`
      CREATE TABLE "${w.schema}".hold (on_ boolean NOT NULL);
      INSERT INTO "${w.schema}".hold VALUES (true);
      CREATE FUNCTION "${w.schema}".hold_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        WHILE (SELECT on_ FROM "${w.schema}".hold) LOOP PERFORM pg_sleep(0.05); END LOOP;
        RETURN NEW;
      END $$;
      CREATE TRIGGER hold_insert BEFORE INSERT ON "${w.schema}".orders
        FOR EACH ROW EXECUTE FUNCTION "${w.schema}".hold_insert();`);
    const key = randomUUID();
    const body = orderBody(`lease-${key}`);
    const pending = postJson(`${first.address}/orders`, body, { "idempotency-key": key }).catch(
      (e: Error) => e,
    );
    const claim = async () =>
      (
        await w.pool.query<{ left_ms: number }>(
          `SELECT extract(epoch FROM locked_until - now()) * 1000 AS left_ms
           FROM "${w.schema}".idempotency_keys WHERE key = $1 AND status_code IS NULL`,
          [key],
        )
      ).rows[0];
    await waitFor("the first orders to claim the key", async () => (await claim()) !== undefined);
    // Let a heartbeat or two renew it, then kill the holder mid-request.
    await sleep(IDEMPOTENCY_LEASE_MS / 2);
    expect(await first.child.kill("SIGKILL")).toBe("SIGKILL");
    const killedAt = Date.now();
    const left = Number((await claim())!.left_ms);
    // State, not timing: the claim the dead holder left ends within one lease.
    expect(left).toBeLessThanOrEqual(IDEMPOTENCY_LEASE_MS);
    expect(await pending).toBeInstanceOf(Error);
    await w.pool.query(`UPDATE "${w.schema}".hold SET on_ = false`);

    const second = await startOrders(w, prefix);
    const statuses: number[] = [];
    let created: { id: string } | undefined;
    await waitFor(
      "the retry to take over the key",
      async () => {
        const res = await postJson(`${second.address}/orders`, body, { "idempotency-key": key });
        statuses.push(res.status);
        if (res.status === 201) created = JSON.parse(res.body) as { id: string };
        return res.status !== 409;
      },
      60_000,
      250,
    );
    const { rows } = await w.pool.query<{ id: string }>(
      `SELECT id FROM "${w.schema}".orders WHERE idempotency_key = $1`,
      [key],
    );
    process.stdout.write(
      `crashed-holder lease=${IDEMPOTENCY_LEASE_MS}ms left-at-kill=${Math.round(left)}ms ` +
        `taken-over-after=${Date.now() - killedAt}ms retries-409=${statuses.length - 1}\n`,
    );
    expect(statuses.at(-1)).toBe(201);
    expect(statuses.slice(0, -1).every((s) => s === 409)).toBe(true);
    expect(rows.map((r) => r.id)).toEqual([created!.id]);
    expect(await second.child.kill("SIGTERM")).toBe(0);
  }, 120_000);
});
