import { pathToFileURL } from "node:url";
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { Client } from "pg";
import { Connection } from "rabbitmq-client";

/**
 * Shared by `npm run dev` and `npm run demo`: where the servers are, a preflight that says which
 * one is missing and how to start it, and a launcher for the three services as local processes.
 */

export const repoRoot = join(__dirname, "../..");

/** A TCP port from the environment, or `fallback`; anything else stops with the variable's name. */
export function envPort(
  name: string,
  fallback: number,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(
      `${name} must be a port from 1 to 65535, got "${raw}" (unset it for ${fallback})`,
    );
  }
  return port;
}

/** A schema or queue-prefix name from the environment, or `fallback`, checked against `pattern`. */
export function envName(
  name: string,
  fallback: string,
  pattern: RegExp,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!pattern.test(raw)) {
    throw new Error(
      `${name} must match ${String(pattern)}, got "${raw}" (unset it for "${fallback}")`,
    );
  }
  return raw;
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;
const PREFIX = /^[\w.:-]{1,100}$/;

/**
 * Where `npm run dev` and `npm run demo` listen and what they touch, each settable by env so a
 * second setup (or a test run) can live beside the first: GATEWAY_PORT, ORDERS_PORT,
 * PAYMENTS_PORT; ORDERS_DB_SCHEMA, PAYMENTS_DB_SCHEMA (the provider's books go to
 * `<payments schema>_provider`); ORDERS_QUEUE_PREFIX, PAYMENTS_QUEUE_PREFIX; EVENTS_EXCHANGE.
 */
export const Defaults = {
  AMQP_URL: "amqp://guest:guest@127.0.0.1:5672",
  DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test",
  ports: {
    gateway: envPort("GATEWAY_PORT", 8080),
    orders: envPort("ORDERS_PORT", 8081),
    payments: envPort("PAYMENTS_PORT", 8082),
  },
  schemas: {
    orders: envName("ORDERS_DB_SCHEMA", "orders", SCHEMA),
    payments: envName("PAYMENTS_DB_SCHEMA", "payments", SCHEMA),
  },
  queuePrefixes: {
    orders: envName("ORDERS_QUEUE_PREFIX", "orders", PREFIX),
    payments: envName("PAYMENTS_QUEUE_PREFIX", "payments", PREFIX),
  },
  // The demo's provider faults; override any of them in the environment.
  provider: {
    PROVIDER_SEED: "7",
    PROVIDER_FAILURE_RATE: "0.2",
    PROVIDER_DECLINE_RATE: "0.2",
    PROVIDER_LOST_RESPONSE_RATE: "0.2",
    PROVIDER_LATENCY_MS: "50",
  },
} as const;

export type ServiceName = keyof typeof Defaults.ports;

/** The URL with its password masked, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}

/** Checks both servers for real (login included); returns one message per problem. */
export async function preflight(urls: { amqp: string; database: string }): Promise<string[]> {
  const problems: string[] = [];
  const pg = new Client({ connectionString: urls.database, connectionTimeoutMillis: 3_000 });
  try {
    await pg.connect();
    await pg.query("SELECT 1");
  } catch (err) {
    problems.push(
      `PostgreSQL is unreachable at ${redact(urls.database)} (${(err as Error).message}).\n` +
        "  Start it, e.g.:  docker run -d --name causeway-pg -p 5432:5432 " +
        "-e POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_DB=test postgres:17\n" +
        '  or:              sudo service postgresql start   (database "test", trust auth)\n' +
        "  or point DATABASE_URL at another server.",
    );
  } finally {
    await pg.end().catch(() => undefined);
  }
  const amqp = new Connection({ url: urls.amqp, retryLow: 100, retryHigh: 200 });
  amqp.on("error", () => undefined);
  try {
    await amqp.onConnect(3_000, true);
  } catch (err) {
    problems.push(
      `RabbitMQ is unreachable at ${redact(urls.amqp)} (${(err as Error).message}).\n` +
        "  Start it, e.g.:  docker run -d --name causeway-mq -p 5672:5672 rabbitmq:4.2-management\n" +
        "  or:              sudo service rabbitmq-server start   (user guest/guest)\n" +
        "  or point AMQP_URL at another server.",
    );
  } finally {
    await amqp.close().catch(() => undefined);
  }
  return problems;
}

const COLORS: Record<ServiceName, string> = {
  gateway: "\x1b[36m",
  orders: "\x1b[33m",
  payments: "\x1b[35m",
};
const LEVELS: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO ",
  40: "WARN ",
  50: "ERROR",
  60: "FATAL",
};
const HIDDEN = new Set(["level", "time", "pid", "hostname", "name", "msg"]);

/** One pino JSON line as "12:00:00.123 orders   INFO  message key=value ...". */
export function formatLine(service: ServiceName, line: string, color: boolean): string {
  const tag = service.padEnd(8);
  const paint = (s: string) => (color ? `${COLORS[service]}${s}\x1b[0m` : s);
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `${paint(tag)} ${line}`;
  }
  const time = typeof rec.time === "string" ? rec.time.slice(11, 23) : "";
  const level = LEVELS[Number(rec.level)] ?? String(rec.level);
  const extra = Object.entries(rec)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  return `${time} ${paint(tag)} ${level} ${String(rec.msg ?? "")}${extra ? `  ${extra}` : ""}`;
}

export interface Launched {
  readonly children: Map<ServiceName, ChildProcess>;
  /** Resolves when all three logged "listening". */
  readonly listening: Promise<void>;
  /** SIGTERM to each, then waits for them to exit. */
  stop(): Promise<void>;
}

/**
 * Starts payments and orders (consumers first, so their queues are bound before anything is
 * published), then the gateway. `onLine` gets every output line, already formatted.
 */
export function launch(opts: {
  amqpUrl: string;
  databaseUrl: string;
  env?: NodeJS.ProcessEnv;
  onLine: (service: ServiceName, text: string) => void;
  color: boolean;
}): Launched {
  const env = opts.env ?? process.env;
  const children = new Map<ServiceName, ChildProcess>();
  const listeningOf = new Map<ServiceName, Promise<void>>();
  const start = (service: ServiceName, extra: Record<string, string>) => {
    const child = spawn(
      process.execPath,
      // tsx as a loader in the service's own process, so signals reach the service itself.
      [
        "--import",
        pathToFileURL(require.resolve("tsx")).href,
        "--conditions=causeway-source",
        join(repoRoot, "services", service, "src/main.ts"),
      ],
      {
        cwd: repoRoot,
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          ...env,
          SERVICE_NAME: service,
          HOST: env.HOST ?? "127.0.0.1",
          PORT: String(Defaults.ports[service]),
          DRAIN_DELAY_MS: env.DRAIN_DELAY_MS ?? "500",
          ...extra,
        },
      },
    );
    children.set(service, child);
    listeningOf.set(
      service,
      new Promise<void>((resolve, reject) => {
        const pipe = (stream: NodeJS.ReadableStream) => {
          let buffered = "";
          stream.on("data", (c: Buffer) => {
            buffered += c.toString();
            const parts = buffered.split("\n");
            buffered = parts.pop()!;
            for (const p of parts) {
              if (!p.trim()) continue;
              if (p.includes('"msg":"listening"')) resolve();
              opts.onLine(service, formatLine(service, p, opts.color));
            }
          });
        };
        pipe(child.stdout!);
        pipe(child.stderr!);
        child.once("exit", (code, signal) => {
          opts.onLine(service, `${service} exited (${signal ?? `code ${code}`})`);
          reject(new Error(`${service} exited with code ${code}`));
        });
      }),
    );
  };
  const data = { AMQP_URL: opts.amqpUrl, DATABASE_URL: opts.databaseUrl };
  const provider = Object.fromEntries(
    Object.entries(Defaults.provider).map(([k, v]) => [k, env[k] ?? v]),
  );
  const own = (service: "orders" | "payments") => ({
    DB_SCHEMA: Defaults.schemas[service],
    QUEUE_PREFIX: Defaults.queuePrefixes[service],
  });
  start("payments", { ...data, ...provider, ...own("payments") });
  start("orders", { ...data, ...own("orders") });
  const backends = Promise.all([listeningOf.get("payments")!, listeningOf.get("orders")!]);
  const listening = backends.then(() => {
    start("gateway", { ORDERS_URL: `http://127.0.0.1:${Defaults.ports.orders}` });
    return listeningOf.get("gateway")!;
  });
  return {
    children,
    listening,
    async stop() {
      await Promise.all(
        [...children.values()].map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null || c.signalCode !== null) return resolve();
              c.once("exit", () => resolve());
              c.kill("SIGTERM");
            }),
        ),
      );
    },
  };
}
