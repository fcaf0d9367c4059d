import { randomBytes } from "node:crypto";
import { connect } from "node:net";

/**
 * Where the integration suites find the real servers. Override with KIT_TEST_DATABASE_URL and
 * KIT_TEST_AMQP_URL. Locally, without servers, integration tests skip loudly; with CI=true they
 * fail instead.
 */
export const TEST_DATABASE_URL =
  process.env.KIT_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const TEST_AMQP_URL = process.env.KIT_TEST_AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";

/** host and port of a server URL, with the scheme's default port when the URL has none. */
export function serverAddress(url: string, defaultPort: number) {
  const u = new URL(url);
  return {
    targetHost: u.hostname.replace(/^\[(.*)\]$/, "$1"),
    targetPort: u.port ? Number(u.port) : defaultPort,
  };
}

/**
 * Where the fault proxies forward: the host and port of KIT_TEST_AMQP_URL and
 * KIT_TEST_DATABASE_URL (default this machine's 5672 and 5432), so the suite runs against
 * whatever servers the tests were pointed at.
 */
export const AMQP_TARGET = serverAddress(TEST_AMQP_URL, 5672);
export const PG_TARGET = serverAddress(TEST_DATABASE_URL, 5432);

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const { targetHost, targetPort } = serverAddress(url, defaultPort);
  return new Promise((resolve) => {
    const socket = connect({ host: targetHost, port: targetPort });
    socket.setTimeout(2_000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

let probe: Promise<string[]> | undefined;

/** URLs of the integration servers that are not reachable (probed once per file). */
export function missingServers(): Promise<string[]> {
  probe ??= Promise.all([reachable(TEST_DATABASE_URL, 5432), reachable(TEST_AMQP_URL, 5672)]).then(
    ([pg, amqp]) => [...(pg ? [] : [TEST_DATABASE_URL]), ...(amqp ? [] : [TEST_AMQP_URL])],
  );
  return probe;
}

/** Call at the start of every integration test: `if (await skipWithoutServers(ctx)) return;` */
export async function skipWithoutServers(ctx: { skip: (note?: string) => void }): Promise<boolean> {
  const missing = await missingServers();
  if (missing.length === 0) return false;
  const message =
    `Integration servers unreachable: ${missing.join(", ")}. Start PostgreSQL (trust auth, ` +
    `database "test") on 127.0.0.1:5432 and RabbitMQ (guest/guest) on 127.0.0.1:5672, or set ` +
    `KIT_TEST_DATABASE_URL / KIT_TEST_AMQP_URL.`;
  if (process.env.CI === "true") throw new Error(message);
  console.warn(`\n!!! SKIPPING INTEGRATION TEST !!! ${message}\n`);
  ctx.skip(message);
  return true;
}

/** A unique, valid schema / queue suffix for one test run. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString("hex")}`;
}
