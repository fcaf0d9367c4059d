import { retryQueueName } from "@causeway/kit";
import { Client } from "pg";
import { Connection } from "rabbitmq-client";
import { pathToFileURL } from "node:url";
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { request } from "node:http";
import { join } from "node:path";
import { TEST_AMQP_URL, TEST_DATABASE_URL, uniqueName } from "../kit/test/servers";

export { waitFor } from "../kit/test/helpers";
export {
  TEST_AMQP_URL,
  TEST_DATABASE_URL,
  missingServers,
  skipWithoutServers,
  uniqueName,
} from "../kit/test/servers";

export const repoRoot = join(__dirname, "../..");

export interface LogLine {
  msg?: string;
  level?: number;
  address?: string;
  step?: number;
  [k: string]: unknown;
}

export interface ServiceProcess {
  readonly name: string;
  readonly proc: ChildProcess;
  readonly lines: LogLine[];
  readonly address: string;
  stderr(): string;
  /** SIGTERM, then the exit code (SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<number | null>;
}

/** The command that runs a service from source, as the tests and `npm run dev` do. */
export function sourceCommand(service: string): { command: string; args: string[] } {
  return {
    command: process.execPath,
    // tsx as a loader in the service's own process (not `tsx/cli`, which runs the script in a
    // grandchild that a SIGKILL to the CLI would orphan).
    args: [
      "--import",
      pathToFileURL(require.resolve("tsx")).href,
      "--conditions=causeway-source",
      join(repoRoot, "services", service, "src/main.ts"),
    ],
  };
}

/** Every process spawned by this file and not yet exited (see `stopAllServices`). */
const live = new Set<ServiceProcess>();

/**
 * Stops (SIGTERM, then SIGKILL after `timeoutMs`) every service process this file spawned that
 * is still running, including ones whose spawnService never resolved (e.g. a sibling in a
 * Promise.all failed). Call it last in afterAll, so a failed test leaves no process behind.
 */
export async function stopAllServices(timeoutMs = 10_000): Promise<void> {
  await Promise.all([...live].map((p) => p.stop(timeoutMs).catch(() => undefined)));
}

/**
 * Spawns a service process (by default from source with tsx) with `env`, collects its JSON log
 * lines, and resolves once it logged "listening" (PORT=0 gives a free port).
 */
export async function spawnService(
  name: string,
  env: Record<string, string>,
  cmd: { command: string; args: string[] } = sourceCommand(name),
  timeoutMs = 60_000,
): Promise<ServiceProcess> {
  const proc = spawn(cmd.command, cmd.args, {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: "0", ...env },
  });
  const lines: LogLine[] = [];
  let stderr = "";
  let buffered = "";
  proc.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  proc.stdout!.on("data", (c: Buffer) => {
    buffered += c.toString();
    const parts = buffered.split("\n");
    buffered = parts.pop()!;
    for (const p of parts) {
      if (!p.trim()) continue;
      try {
        lines.push(JSON.parse(p) as LogLine);
      } catch {
        lines.push({ msg: p });
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (c) => resolve(c)));
  let address: string | undefined;
  const service: ServiceProcess = {
    name,
    proc,
    lines,
    get address() {
      return address ?? "";
    },
    stderr: () => stderr,
    async stop(stopTimeoutMs = 30_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), stopTimeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  live.add(service);
  void exited.then(() => live.delete(service));
  const deadline = Date.now() + timeoutMs;
  while (!address) {
    address = lines.find((l) => l.msg === "listening")?.address;
    if (address) break;
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`${name} exited ${proc.exitCode ?? proc.signalCode}: ${stderr}`);
    }
    if (Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error(`${name} did not listen within ${timeoutMs} ms: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return service;
}

/** A request on a fresh connection, with JSON in and out. */
export function http(
  url: string,
  opts: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = request(
      url,
      {
        method: opts.method ?? "GET",
        agent: false,
        headers: {
          ...(payload === undefined ? {} : { "content-type": "application/json" }),
          ...opts.headers,
        },
      },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** One sample value of a Prometheus text exposition, e.g. metric('x_total{a="b"}'). */
export function metricValue(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/** Deletes what a test declared on the broker: its queues and its exchange. */
export async function deleteBrokerTopology(
  queues: Iterable<string>,
  exchange: string,
): Promise<void> {
  const amqp = new Connection(TEST_AMQP_URL);
  try {
    for (const queue of queues) await amqp.queueDelete({ queue }).catch(() => undefined);
    await amqp.exchangeDelete({ exchange }).catch(() => undefined);
  } finally {
    await amqp.close();
  }
}

/**
 * The services of a graph in start waves, upstreams first: every upstream of a wave's services
 * is in an earlier wave, so each service starts with its upstreams' addresses known.
 */
export function startWaves(
  services: Readonly<Record<string, { readonly upstreams: readonly string[] }>>,
): string[][] {
  const waves: string[][] = [];
  const started = new Set<string>();
  let left = Object.keys(services).sort();
  while (left.length > 0) {
    const wave = left.filter((s) => services[s]!.upstreams.every((u) => started.has(u)));
    if (wave.length === 0) throw new Error(`no start order for ${left.join(", ")}: a call cycle`);
    waves.push(wave);
    wave.forEach((s) => started.add(s));
    left = left.filter((s) => !started.has(s));
  }
  return waves;
}

/** The services' own environment, added to what {@link TestSystem.start} sets. */
export interface SystemEnv {
  /** Added to every service (e.g. OpenTelemetry settings, LOG_LEVEL). */
  readonly all?: Record<string, string>;
  readonly payments?: Record<string, string>;
  readonly orders?: Record<string, string>;
  readonly gateway?: Record<string, string>;
  /** The DATABASE_URL of orders and payments (default TEST_DATABASE_URL). */
  readonly databaseUrl?: string;
}

export interface StartedSystem {
  readonly payments: ServiceProcess;
  readonly orders: ServiceProcess;
  readonly gateway: ServiceProcess;
}

/**
 * The three services of one test run, with names of their own so that runs never share a
 * schema, a queue or an exchange: schemas `orders_<run>` and `payments_<run>` (and their
 * `_provider` schemas), queue prefixes `orders.<run>` and `payments.<run>`, exchange
 * `causeway.events.<run>`.
 */
export interface TestSystem {
  readonly run: string;
  readonly schemas: { readonly orders: string; readonly payments: string };
  readonly prefixes: { readonly orders: string; readonly payments: string };
  readonly exchange: string;
  /** The queues the services consume from. */
  readonly consumerQueues: {
    readonly orderPlaced: string;
    readonly paymentSucceeded: string;
    readonly paymentFailed: string;
  };
  /** Every queue the services may declare: each consumer queue, its DLQ and retry queues. */
  readonly queues: readonly string[];
  /** Every service process started, in start order (payments, orders, gateway, ...). */
  readonly procs: ServiceProcess[];
  /**
   * Starts payments and orders (consumers first: their queues must be bound before anything
   * is published), then the gateway in front of orders; each on a free port, from source,
   * with DRAIN_DELAY_MS=0.
   */
  start(env?: SystemEnv): Promise<StartedSystem>;
  /**
   * Stops every process, drops the run's schemas and deletes its queues and exchange; for
   * afterAll. Tolerates absent servers (the test skipped).
   */
  cleanup(): Promise<void>;
}

/** CONSUMER_RETRY_MAX_ATTEMPTS is at most 20 (services/kit/src/config.ts): 19 retry queues. */
const MAX_RETRY_QUEUES = 19;

export function testSystem(label: string): TestSystem {
  const run = uniqueName(label);
  const schemas = { orders: `orders_${run}`, payments: `payments_${run}` };
  const prefixes = { orders: `orders.${run}`, payments: `payments.${run}` };
  const exchange = `causeway.events.${run}`;
  const consumerQueues = {
    orderPlaced: `${prefixes.payments}.order-placed`,
    paymentSucceeded: `${prefixes.orders}.payment-succeeded`,
    paymentFailed: `${prefixes.orders}.payment-failed`,
  };
  const queues = Object.values(consumerQueues).flatMap((q) => [
    q,
    `${q}.dlq`,
    ...Array.from({ length: MAX_RETRY_QUEUES }, (_, i) => retryQueueName(q, i + 1)),
  ]);
  const procs: ServiceProcess[] = [];
  return {
    run,
    schemas,
    prefixes,
    exchange,
    consumerQueues,
    queues,
    procs,
    async start(env: SystemEnv = {}) {
      const common = {
        DATABASE_URL: env.databaseUrl ?? TEST_DATABASE_URL,
        AMQP_URL: TEST_AMQP_URL,
        EVENTS_EXCHANGE: exchange,
        DRAIN_DELAY_MS: "0",
        ...env.all,
      };
      const [payments, orders] = await Promise.all([
        spawnService("payments", {
          ...common,
          SERVICE_NAME: "payments",
          DB_SCHEMA: schemas.payments,
          QUEUE_PREFIX: prefixes.payments,
          ...env.payments,
        }),
        spawnService("orders", {
          ...common,
          SERVICE_NAME: "orders",
          DB_SCHEMA: schemas.orders,
          QUEUE_PREFIX: prefixes.orders,
          ...env.orders,
        }),
      ]);
      procs.push(payments, orders);
      const gateway = await spawnService("gateway", {
        DRAIN_DELAY_MS: "0",
        ...env.all,
        SERVICE_NAME: "gateway",
        ORDERS_URL: orders.address,
        ...env.gateway,
      });
      procs.push(gateway);
      return { payments, orders, gateway };
    },
    async cleanup() {
      await Promise.all(procs.map((p) => p.stop(10_000).catch(() => undefined)));
      await stopAllServices();
      const pg = new Client({ connectionString: TEST_DATABASE_URL });
      try {
        await pg.connect();
        for (const s of Object.values(schemas).flatMap((x) => [x, `${x}_provider`])) {
          await pg.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
        }
      } catch {
        // servers absent: the test skipped
      } finally {
        await pg.end().catch(() => undefined);
      }
      await deleteBrokerTopology(queues, exchange).catch(() => undefined);
    },
  };
}
