import { randomUUID } from "node:crypto";
import { Agent, request } from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Broker, defineEvent } from "@causeway/kit";
import { TcpProxy } from "../../kit/test/tcp-proxy";
import { skipWithoutServers } from "../../kit/test/servers";
import { killAllChildren } from "./children";
import type { World } from "./harness";
import {
  TEST_AMQP_URL,
  checkHistory,
  createWorld,
  effectCount,
  queueDepth,
  recordEffect,
  sleep,
  spyDeliveries,
  summarize,
  uniqueName,
  waitFor,
} from "./harness";
import { orderBody, postJson } from "./http";
import { TEST_TIMEOUT_MS, scaled } from "./scale";
import type { RunningService } from "./services";
import { startGateway, startOrders } from "./services";

/** What this test reads of orders' event: only the id (it is the test's consumer, not a service). */
const orderPlaced = defineEvent("order.placed", z.looseObject({ orderId: z.string() }));
const WORKERS = 4;
const AFTER_EXIT = scaled(40, 400);

function readyz(base: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${base}/readyz`, { agent: false, timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

describe("F7: SIGTERM to an orders replica under steady load (real gateway and orders)", () => {
  let world: World | undefined;
  let lb: TcpProxy | undefined;
  let polling = true;
  afterAll(async () => {
    polling = false;
    await killAllChildren();
    await lb?.close();
    await world?.cleanup();
  });

  it(
    "no failed request, no lost or duplicated order.placed message",
    async (ctx) => {
      if (await skipWithoutServers(ctx)) return;
      const w = (world = await createWorld("f7"));
      // The test's own downstream consumer of order.placed: one effect per order id.
      const queue = w.queueName();
      const consumer = new Broker({ url: TEST_AMQP_URL, exchange: w.exchange });
      w.onCleanup(() => consumer.close());
      const spy = spyDeliveries(consumer);
      await consumer.subscribe(orderPlaced, {
        queue,
        pool: w.pool,
        schema: w.schema,
        handler: (event, c) => recordEffect(c, event.payload.orderId),
      });

      // Two orders replicas; a readiness-aware round-robin TCP balancer in front (kube-proxy's
      // role: a replica that fails /readyz gets no new connections); the gateway behind it.
      const prefix = uniqueName("faults.f7.orders");
      const env = { DRAIN_DELAY_MS: "1500", SHUTDOWN_TIMEOUT_MS: "20000" };
      const replicas: RunningService[] = [
        await startOrders(w, prefix, env),
        await startOrders(w, prefix, env),
      ];
      const ready = new Set(replicas);
      void (async () => {
        while (polling) {
          for (const r of replicas) {
            if (await readyz(r.address)) ready.add(r);
            else ready.delete(r);
          }
          await sleep(100);
        }
      })();
      let next = 0;
      const balancer = (lb = new TcpProxy({
        targetHost: "127.0.0.1",
        targetPort: 0,
        route: () => {
          const up = [...ready];
          const r = up[next++ % Math.max(1, up.length)];
          if (!r) return undefined;
          const u = new URL(r.address);
          return { host: u.hostname, port: Number(u.port) };
        },
      }));
      await balancer.listen();
      // The load comes from one address: the per-client rate limit (600 a minute by default)
      // would refuse it at full count, and this scenario is about SIGTERM, not about limits.
      const gateway = await startGateway(`http://127.0.0.1:${balancer.port}`, {
        ...env,
        RATE_LIMIT_MAX: "0",
      });
      const url = `${gateway.address}/orders`;

      // Steady load: WORKERS keep-alive clients, each POSTing orders one after another.
      const agent = new Agent({ keepAlive: true, maxSockets: WORKERS });
      const results: Array<{ status: number; orderId?: string; error?: string }> = [];
      let loading = true;
      const workers = Array.from({ length: WORKERS }, async () => {
        while (loading) {
          const key = randomUUID();
          try {
            const r = await postJson(url, orderBody(`c-${key}`), { "idempotency-key": key }, agent);
            const id = r.status === 201 ? (JSON.parse(r.body) as { id: string }).id : undefined;
            results.push({ status: r.status, ...(id ? { orderId: id } : { error: r.body }) });
          } catch (err) {
            results.push({ status: 0, error: String(err) });
          }
        }
      });

      await waitFor("steady load", () => results.length >= 30, 60_000);
      const victim = replicas[0]!;
      const beforeTerm = results.length;
      victim.child.proc.kill("SIGTERM");
      const exitCode = await victim.child.exited;
      const atExit = results.length;
      await waitFor(
        "load after the replica exited",
        () => results.length >= atExit + AFTER_EXIT,
        60_000,
      );
      loading = false;
      await Promise.all(workers);
      agent.destroy();

      const created = results.flatMap((r) => (r.orderId ? [r.orderId] : []));
      await waitFor(
        "an order.placed effect for every order",
        async () => (await effectCount(w.pool, w.schema)) >= created.length,
        60_000,
        100,
      );
      await waitFor("the queue to drain", async () => (await queueDepth(w.admin, queue)) === 0);
      await sleep(300);
      const h = await checkHistory(w.pool, w.schema, created);
      const { rows } = await w.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${w.schema}".orders`,
      );
      const dlq = await queueDepth(w.admin, `${queue}.dlq`);
      summarize("F7", {
        sent: results.length,
        effects: h.effects,
        lost: h.lost,
        duplicates: h.duplicates,
        redeliveries: spy.deliveries - spy.ids.size,
        dlq,
      });
      const logs = victim.logs();
      const steps = logs.flatMap((l) => (l.step ? [l.step] : []));
      const servedByVictim = logs.filter((l) => l.msg === "request completed").length;

      // The fault fired: the replica served traffic, got SIGTERM under load and shut down cleanly.
      expect(exitCode).toBe(0);
      expect(steps).toEqual([1, 2, 3, 4, 5]);
      expect(servedByVictim).toBeGreaterThan(0);
      expect(beforeTerm).toBeGreaterThan(0);
      // No failed request.
      expect(results.filter((r) => r.status !== 201)).toEqual([]);
      // No lost message: every order created has exactly one downstream effect, and nothing else.
      expect(rows[0]!.n).toBe(created.length);
      expect(h).toEqual({ effects: created.length, lost: 0, duplicates: 0, unexpected: 0 });
      expect(dlq).toBe(0);
      expect(await gateway.child.kill("SIGTERM")).toBe(0);
      expect(await replicas[1]!.child.kill("SIGTERM")).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );
});
