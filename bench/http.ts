/**
 * Benchmark (c): client -> gateway -> orders vs client -> bare Fastify proxy -> the same orders
 * (one orders process, its PostgreSQL schema, RabbitMQ exchange), with autocannon; every request
 * a new order with its own Idempotency-Key. Alternating rounds; medians of requests/s and p99.
 */
import { randomUUID } from "node:crypto";
import autocannon from "autocannon";
import { killAllChildren, spawnTs } from "../services/faults/test/children";
import { createWorld, uniqueName, waitFor } from "../services/faults/test/harness";
import { startGateway, startOrders } from "../services/faults/test/services";
import type { BenchResult } from "./lib";
import { pair, sideBySide } from "./lib";

export interface HttpBenchOptions {
  readonly rounds: number;
  readonly seconds: number;
  readonly connections: number;
  readonly log: (line: string) => void;
}

function load(url: string, o: HttpBenchOptions): Promise<autocannon.Result> {
  const body = JSON.stringify({
    customerId: "bench",
    currency: "EUR",
    items: [{ sku: "SKU-1", quantity: 1, unitPriceCents: 1250 }],
  });
  return autocannon({
    url,
    connections: o.connections,
    duration: o.seconds,
    requests: [
      {
        method: "POST",
        path: "/orders",
        headers: { "content-type": "application/json" },
        body,
        setupRequest: (req) => ({
          ...req,
          headers: { ...req.headers, "idempotency-key": randomUUID() },
        }),
      },
    ],
  });
}

export async function benchHttp(o: HttpBenchOptions): Promise<BenchResult[]> {
  const w = await createWorld("bench");
  const quiet = { LOG_LEVEL: "info" }; // "listening" is logged at info
  try {
    const orders = await startOrders(w, uniqueName("bench.orders"), quiet);
    // Rate limit on (its cost is part of the gateway) but far above what one bench client sends.
    const gateway = await startGateway(orders.address, { ...quiet, RATE_LIMIT_MAX: "1000000" });
    const bare = spawnTs("bench/bare-proxy.ts", { ORDERS_URL: orders.address });
    let bareUrl = "";
    await waitFor("the bare proxy to listen", () => {
      const line = bare.lines.find((l) => l.includes('"listening"'));
      if (line) bareUrl = (JSON.parse(line) as { address: string }).address;
      return bareUrl !== "";
    });
    const samples = {
      rps: { a: [] as number[], b: [] as number[] },
      p99: { a: [] as number[], b: [] as number[] },
    };
    let errors = 0;
    const run = (which: "a" | "b", url: string) => async () => {
      const r = await load(url, o);
      errors += r.errors + r.non2xx;
      samples.p99[which].push(r.latency.p99);
      return r.requests.average;
    };
    o.log(`(c) gateway vs bare proxy: ${o.connections} connections, ${o.seconds} s per round`);
    o.log(`  warm-up (not counted)`);
    await load(gateway.address, { ...o, seconds: 3 });
    await load(bareUrl, { ...o, seconds: 3 });
    const rps = await sideBySide(o.rounds, run("a", gateway.address), run("b", bareUrl), o.log);
    samples.rps = rps;
    const note = `${o.connections} connections, ${o.seconds} s x ${o.rounds} alternating rounds; non-2xx/errors: ${errors}`;
    return [
      pair(
        "(c) gateway -> orders vs bare Fastify proxy, throughput",
        "req/s",
        rps.a,
        rps.b,
        `target >= 0.8; ${note}`,
      ),
      pair(
        "(c) gateway -> orders vs bare Fastify proxy, p99 latency",
        "ms",
        samples.p99.a,
        samples.p99.b,
        "lower is better: ratio > 1 means the gateway adds latency",
      ),
    ];
  } finally {
    await killAllChildren();
    await w.cleanup();
  }
}
