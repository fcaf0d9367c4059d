import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool } from "../db/pool";
import { kitMigrations } from "../db/kit-migrations";
import { migrate } from "../db/migrate";
import { buildApp } from "../http/app";
import { createLogger } from "../logger";
import {
  TEST_DATABASE_URL,
  missingServers,
  skipWithoutServers,
  uniqueName,
} from "../../test/servers";
import { idempotencyPlugin } from "./plugin";

describe("Idempotency-Key plugin (real PostgreSQL)", () => {
  const schema = uniqueName("kit_idem");
  const pool = createPool({ url: TEST_DATABASE_URL, schema });
  const app = buildApp({ serviceName: "t", logger: createLogger({ name: "t", level: "silent" }) });
  let created = 0;
  let gate: Promise<void> = Promise.resolve();
  let entered: () => void = () => undefined;
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let endBeat: () => void = () => undefined;
  const beat = new Promise<void>((resolve) => (endBeat = resolve));

  beforeAll(async () => {
    if ((await missingServers()).length > 0) return;
    await migrate(pool, { schema, migrations: kitMigrations });
    await app.register(async (scope) => {
      await scope.register(idempotencyPlugin, { pool, schema });
      scope.post(
        "/orders",
        {
          config: { idempotency: true },
          schema: {
            body: {
              type: "object",
              required: ["amount"],
              properties: { amount: { type: "integer" } },
            },
          },
        },
        async (req, reply) => {
          entered();
          await gate;
          const { amount } = req.body as { amount: number };
          if (amount < 0) return reply.code(500).send({ failed: true });
          created++;
          return reply.code(201).send({ orderId: `o${created}`, amount });
        },
      );
      scope.post("/plain", async () => ({ ok: true }));
    });
    await app.register(async (scope) => {
      // A 1 ms lease and no heartbeat: a stuck holder's claim can be taken over by its retry.
      await scope.register(idempotencyPlugin, { pool, schema, leaseMs: 1, heartbeatMs: 0 });
      scope.post("/lease", { config: { idempotency: true } }, async (req, reply) => {
        if (req.headers["x-hold"]) await held;
        return reply.code(201).send({ n: ++created });
      });
    });
    await app.register(async (scope) => {
      // A 300 ms lease renewed every 20 ms: a live holder keeps its claim past the lease.
      await scope.register(idempotencyPlugin, { pool, schema, leaseMs: 300, heartbeatMs: 20 });
      scope.post("/heartbeat", { config: { idempotency: true } }, async (_req, reply) => {
        await beat;
        return reply.code(201).send({ beat: true });
      });
    });
    await app.register(async (scope) => {
      await scope.register(idempotencyPlugin, { pool, schema, ttlMs: 0 });
      scope.post("/short", { config: { idempotency: true } }, async () => ({ n: ++created }));
    });
  });
  afterAll(async () => {
    await app.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
  });

  const post = (url: string, key: string | undefined, payload: unknown) =>
    app.inject({
      method: "POST",
      url,
      payload: payload as object,
      headers: key === undefined ? {} : { "idempotency-key": key },
    });

  it("201 then replay, 422 on another payload, 400 without a key", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const key = `"${uniqueName("k")}"`;
    const first = await post("/orders", key, { amount: 5 });
    expect([first.statusCode, first.json()]).toEqual([201, { orderId: "o1", amount: 5 }]);

    const replay = await post("/orders", key, { amount: 5 });
    expect([replay.statusCode, replay.json(), replay.headers["idempotent-replayed"]]).toEqual([
      201,
      { orderId: "o1", amount: 5 },
      "true",
    ]);
    expect(replay.headers["content-type"]).toMatch(/^application\/json/);
    expect(created).toBe(1);

    const other = await post("/orders", key, { amount: 6 });
    expect([other.statusCode, other.json().error.code]).toEqual([422, "IDEMPOTENCY_KEY_REUSED"]);

    const missing = await post("/orders", undefined, { amount: 5 });
    expect([missing.statusCode, missing.json().error.code]).toEqual([
      400,
      "IDEMPOTENCY_KEY_MISSING",
    ]);
    const invalid = await post("/orders", "has space", { amount: 5 });
    expect([invalid.statusCode, invalid.json().error.code]).toEqual([
      400,
      "IDEMPOTENCY_KEY_INVALID",
    ]);
    expect((await post("/plain", undefined, {})).statusCode).toBe(200);
    expect(created).toBe(1);
  });

  it("409 while the same key is in flight, then replays the finished response", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const key = uniqueName("k");
    let release: () => void = () => undefined;
    gate = new Promise((r) => (release = r));
    const inHandler = new Promise<void>((r) => (entered = r));
    const first = post("/orders", key, { amount: 7 });
    await inHandler;
    const concurrent = await post("/orders", key, { amount: 7 });
    expect([concurrent.statusCode, concurrent.json().error.code]).toEqual([
      409,
      "IDEMPOTENCY_KEY_IN_FLIGHT",
    ]);
    release();
    gate = Promise.resolve();
    const done = await first;
    expect(done.statusCode).toBe(201);
    const replay = await post("/orders", key, { amount: 7 });
    expect(replay.json()).toEqual(done.json());
  });

  it("releases the key after a 5xx so the client can retry", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const key = uniqueName("k");
    expect((await post("/orders", key, { amount: -1 })).statusCode).toBe(500);
    const retry = await post("/orders", key, { amount: -1 });
    expect([retry.statusCode, retry.headers["idempotent-replayed"]]).toEqual([500, undefined]);
  });

  it("a live holder's heartbeat renews its short lease; the claim is gone once it answers", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const key = uniqueName("beat");
    const lockedUntil = async () =>
      (
        await pool.query<{ t: Date | null; ms: number }>(
          `SELECT locked_until AS t, extract(epoch FROM locked_until) * 1000 AS ms
           FROM "${schema}".idempotency_keys WHERE key = $1`,
          [key],
        )
      ).rows[0];
    const holder = post("/heartbeat", key, { b: 1 });
    // Wait (bounded) until the lease was pushed past its first expiry by more than a lease.
    let first: number | undefined;
    let last = 0;
    const deadline = Date.now() + 20_000;
    while (first === undefined || last - first <= 300) {
      const row = await lockedUntil();
      if (row?.t) {
        first ??= Number(row.ms);
        last = Number(row.ms);
      }
      if (Date.now() > deadline) throw new Error("the lease was never renewed");
      await new Promise((r) => setTimeout(r, 10));
    }
    // Past its original lease, the holder still holds the key: the retry is 409, not a takeover.
    const retry = await post("/heartbeat", key, { b: 1 });
    expect([retry.statusCode, retry.json().error.code]).toEqual([409, "IDEMPOTENCY_KEY_IN_FLIGHT"]);
    endBeat();
    expect((await holder).statusCode).toBe(201);
    expect((await lockedUntil())?.t).toBeNull();
  });

  it("forgets keys after the window", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const key = uniqueName("k");
    const a = await post("/short", key, { x: 1 });
    const b = await post("/short", key, { x: 2 });
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect(b.json().n).toBe(a.json().n + 1);
  });

  // Last: it shares the `created` counter the tests above count on.
  it("a request that outlived its lease cannot overwrite the retry that took over", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const key = uniqueName("lease");
    const slow = app.inject({
      method: "POST",
      url: "/lease",
      payload: { a: 1 },
      headers: { "idempotency-key": key, "x-hold": "1" },
    });
    // Wait until the slow request holds the claim (bounded), then past its 1 ms lease.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { rowCount } = await pool.query(
        `SELECT 1 FROM "${schema}".idempotency_keys WHERE key = $1 AND status_code IS NULL`,
        [key],
      );
      if (rowCount === 1) break;
      if (Date.now() > deadline) throw new Error("the slow request never claimed its key");
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 20));
    const retry = await post("/lease", key, { a: 1 });
    expect(retry.statusCode).toBe(201);
    release();
    const late = await slow;
    expect(late.statusCode).toBe(201);
    expect(late.json()).not.toEqual(retry.json());
    const replay = await post("/lease", key, { a: 1 });
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    expect(replay.json()).toEqual(retry.json());
  });
});
