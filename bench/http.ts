/**
 * Benchmark (c), two pairs measured side by side in alternating rounds (medians):
 * - the gateway's own cost: client -> gateway -> stub upstream vs client -> bare Fastify proxy ->
 *   the same stub (bench/stub-upstream.ts answers at once), with autocannon; every request a new
 *   Idempotency-Key. Throughput and p99.
 * - orders' own cost: POST /orders on the real orders service vs a raw pg client running the
 *   same SQL (claim the key, insert the order and its outbox row in one transaction, store the
 *   response) at the same concurrency, on the same schema.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import type { Pool } from "pg";
import { createPool } from "@causeway/kit";
import { killAllChildren, spawnTs } from "../services/faults/test/children";
import {
  TEST_DATABASE_URL,
  createWorld,
  uniqueName,
  waitFor,
} from "../services/faults/test/harness";
import { startGateway, startOrders } from "../services/faults/test/services";
import { claimKeySql } from "../services/kit/src/idempotency/plugin";
import { OUTBOX_CHANNEL } from "../services/kit/src/outbox";
import type { Child } from "../services/faults/test/children";
import type { BenchResult } from "./lib";
import { pair, sideBySide } from "./lib";

export interface HttpBenchOptions {
  readonly rounds: number;
  readonly seconds: number;
  readonly connections: number;
  readonly log: (line: string) => void;
}

const ORDER = {
  customerId: "bench",
  currency: "EUR",
  items: [{ sku: "SKU-1", quantity: 1, unitPriceCents: 1250 }],
};

function load(url: string, o: HttpBenchOptions): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections: o.connections,
    duration: o.seconds,
    requests: [
      {
        method: "POST",
        path: "/orders",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(ORDER),
        setupRequest: (req) => ({
          ...req,
          headers: { ...req.headers, "idempotency-key": randomUUID() },
        }),
      },
    ],
  });
}

/**
 * From now on a service's stdout is read and dropped, not kept line by line: its access log is
 * still written (its cost stays the service's), but the bench process, which is also the load
 * generator, no longer splits and stores thousands of lines a second that the baseline (which
 * logs nothing) does not make it handle.
 */
function discardOutput(child: Child): void {
  const out = child.proc.stdout!;
  out.removeAllListeners("data");
  out.on("data", () => undefined);
}

/** Starts a bench child that prints `{"msg":"listening","address":...}`; its address and pid. */
async function listening(
  script: string,
  env: Record<string, string>,
): Promise<{ address: string; pid: number }> {
  const child = spawnTs(script, env);
  let address = "";
  await waitFor(`${script} to listen`, () => {
    const line = child.lines.find((l) => l.includes('"listening"'));
    if (line) address = (JSON.parse(line) as { address: string }).address;
    return address !== "";
  });
  return { address, pid: child.proc.pid! };
}

/**
 * CPU time (user + system) a process has used so far, in µs, from /proc/<pid>/stat (fields 14
 * and 15, in clock ticks of 1/100 s, Linux's USER_HZ); undefined elsewhere. Per request, it
 * is the proxy's own cost, which CPU time taken by other processes on a shared machine does
 * not change the way it changes throughput.
 */
function cpuMicros(pid: number): number | undefined {
  if (process.platform !== "linux") return undefined;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** orders' columns, as its store returns them (services/orders/src/store.ts). */
const COLUMNS = "id, status, customer_id, currency, amount_cents, items, created_at, updated_at";

/**
 * What orders runs for one new order, statement for statement, as a raw pg client would: the
 * idempotency claim (the kit's idempotency plugin), the order and its outbox row with its
 * NOTIFY in one transaction (orders' store and the kit's enqueueEvent), then the stored
 * response. Same tables, same SQL text, same search_path, same round trips; only the HTTP,
 * validation and logging around them are left out, which is what the ratio measures.
 */
async function rawOrder(pool: Pool, schema: string): Promise<void> {
  const key = randomUUID();
  const token = randomUUID();
  const s = `"${schema}"`;
  const claimed = await pool.query(claimKeySql(`${s}.idempotency_keys`), [
    "",
    key,
    "f".repeat(64),
    5,
    86_400,
    token,
  ]);
  if (claimed.rowCount !== 1) throw new Error("raw baseline: key not claimed");
  const client = await pool.connect();
  let order: Record<string, unknown>;
  try {
    await client.query("BEGIN");
    const { rows } = await client.query<Record<string, unknown>>(
      `INSERT INTO orders (id, idempotency_key, customer_id, currency, amount_cents, items)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (idempotency_key) DO NOTHING
     RETURNING ${COLUMNS}`,
      [randomUUID(), key, ORDER.customerId, ORDER.currency, 1250, JSON.stringify(ORDER.items)],
    );
    order = rows[0]!;
    await client.query(
      `WITH row AS (
       INSERT INTO ${s}.outbox (message_id, type, payload, headers)
       VALUES ($1, $2, $3, $4) RETURNING 1
     )
     SELECT pg_notify($5, $6) FROM row`,
      [
        randomUUID(),
        "order.placed",
        JSON.stringify({ version: 1, orderId: order.id, ...ORDER, placedAt: order.created_at }),
        JSON.stringify({ "x-request-id": token }),
        OUTBOX_CHANNEL,
        schema,
      ],
    );
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  await pool.query(
    `UPDATE ${s}.idempotency_keys SET status_code = $3, response_body = $4, content_type = $5,
             locked_until = NULL WHERE scope = $1 AND key = $2 AND claim_token = $6`,
    ["", key, 201, JSON.stringify(order), "application/json; charset=utf-8", token],
  );
}

/** `workers` concurrent loops of `rawOrder` for `seconds`; orders per second. */
async function rawOrders(pool: Pool, schema: string, o: HttpBenchOptions): Promise<number> {
  const until = Date.now() + o.seconds * 1000;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: o.connections }, async () => {
      while (Date.now() < until) {
        await rawOrder(pool, schema);
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

export async function benchHttp(o: HttpBenchOptions): Promise<BenchResult[]> {
  const w = await createWorld("bench");
  const quiet = { LOG_LEVEL: "info" }; // "listening" is logged at info
  try {
    // Pair 1: the gateway's own cost, both proxies in front of the same stub.
    const stub = (await listening("bench/stub-upstream.ts", {})).address;
    // Rate limit on (its cost is part of the gateway) but far above what one bench client sends.
    const gateway = await startGateway(stub, { ...quiet, RATE_LIMIT_MAX: "1000000" });
    discardOutput(gateway.child);
    const bare = await listening("bench/bare-proxy.ts", { ORDERS_URL: stub });
    const p99 = { a: [] as number[], b: [] as number[] };
    const cpu = { a: [] as number[], b: [] as number[] };
    let errors = 0;
    const run = (which: "a" | "b", url: string, pid: number) => async () => {
      const before = cpuMicros(pid);
      const r = await load(url, o);
      const after = cpuMicros(pid);
      if (before !== undefined && after !== undefined && r.requests.total > 0) {
        cpu[which].push((after - before) / r.requests.total);
      }
      errors += r.errors + r.non2xx;
      p99[which].push(r.latency.p99);
      return r.requests.average;
    };
    o.log(`(c) gateway vs bare proxy, stub upstream: ${o.connections} connections, ${o.seconds} s`);
    o.log(`  warm-up (not counted)`);
    await load(gateway.address, { ...o, seconds: 3 });
    await load(bare.address, { ...o, seconds: 3 });
    const rps = await sideBySide(
      o.rounds,
      run("a", gateway.address, gateway.child.proc.pid!),
      run("b", bare.address, bare.pid),
      o.log,
    );
    const note = `${o.connections} connections, ${o.seconds} s x ${o.rounds} alternating rounds; non-2xx/errors: ${errors}`;

    // Pair 2: orders' own cost against the SQL it runs, at the same concurrency.
    const orders = await startOrders(w, uniqueName("bench.orders"), {
      ...quiet,
      DB_POOL_MAX: String(o.connections),
    });
    discardOutput(orders.child);
    const raw = createPool({ url: TEST_DATABASE_URL, schema: w.schema, max: o.connections });
    let orderErrors = 0;
    try {
      o.log(`(c) POST /orders vs the same SQL by a raw pg client: ${o.connections} concurrent`);
      await load(orders.address, { ...o, seconds: 3 });
      await rawOrders(raw, w.schema, { ...o, seconds: 3 });
      const placed = await sideBySide(
        o.rounds,
        async () => {
          const r = await load(orders.address, o);
          orderErrors += r.errors + r.non2xx;
          return r.requests.average;
        },
        () => rawOrders(raw, w.schema, o),
        o.log,
      );
      return [
        pair(
          "(c) gateway vs bare Fastify proxy, stub upstream, throughput",
          "req/s",
          rps.a,
          rps.b,
          `target >= 0.8; ${note}`,
        ),
        pair(
          "(c) gateway vs bare Fastify proxy, stub upstream, p99 latency",
          "ms",
          p99.a,
          p99.b,
          "lower is better: ratio > 1 means the gateway adds latency",
        ),
        ...(cpu.a.length > 0 && cpu.b.length > 0
          ? [
              pair(
                "(c) gateway vs bare Fastify proxy, stub upstream, CPU per request",
                "µs",
                cpu.a,
                cpu.b,
                "lower is better: the proxy process's user + system CPU time over the requests it served (/proc), the same rounds as the throughput row",
              ),
            ]
          : []),
        pair(
          "(c) POST /orders vs its SQL by a raw pg client",
          "orders/s",
          placed.a,
          placed.b,
          `target >= 0.8; ${o.connections} concurrent, ${o.seconds} s x ${o.rounds} alternating rounds; non-2xx/errors: ${orderErrors}; orders also runs its outbox relay`,
        ),
      ];
    } finally {
      await raw.end();
    }
  } finally {
    await killAllChildren();
    await w.cleanup();
  }
}
