import { pathToFileURL } from "node:url";
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { request } from "node:http";
import { join } from "node:path";
import { Connection } from "rabbitmq-client";
import { Client } from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { waitFor } from "./helpers";
import { TEST_AMQP_URL, TEST_DATABASE_URL, skipWithoutServers, uniqueName } from "./servers";

const repoRoot = join(__dirname, "../../..");

/** GET on a fresh connection (no keep-alive pool), resolving with status and body. */
function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("SIGTERM on a real service process", () => {
  const schema = uniqueName("kit_sig");
  const exchange = uniqueName("causeway.events.sig");
  let child: ChildProcess | undefined;

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    const pg = new Client({ connectionString: TEST_DATABASE_URL });
    await pg.connect().catch(() => undefined);
    await pg.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pg.end().catch(() => undefined);
    const amqp = new Connection(TEST_AMQP_URL);
    await amqp.exchangeDelete({ exchange }).catch(() => undefined);
    await amqp.close();
  });

  it("fails no request: in-flight ones finish, requests during the drain delay are served, exit 0", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const lines: Array<{ msg?: string; step?: number; address?: string }> = [];
    // tsx as a loader in the service's own process: SIGTERM (and a cleanup SIGKILL) reach it.
    const proc = spawn(
      process.execPath,
      [
        "--import",
        pathToFileURL(require.resolve("tsx")).href,
        "--conditions=causeway-source",
        "services/kit/test/fixtures/sigterm-service.ts",
      ],
      {
        cwd: repoRoot,
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          ...process.env,
          SERVICE_NAME: "sigterm-test",
          HOST: "127.0.0.1",
          PORT: "0",
          DATABASE_URL: TEST_DATABASE_URL,
          DB_SCHEMA: schema,
          AMQP_URL: TEST_AMQP_URL,
          EVENTS_EXCHANGE: exchange,
          DRAIN_DELAY_MS: "2000",
          SHUTDOWN_TIMEOUT_MS: "20000",
          LOG_LEVEL: "info",
        },
      },
    );
    child = proc;
    let stderr = "";
    proc.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    let buffered = "";
    proc.stdout.on("data", (c: Buffer) => {
      buffered += c.toString();
      const parts = buffered.split("\n");
      buffered = parts.pop()!;
      for (const p of parts) if (p.trim()) lines.push(JSON.parse(p) as (typeof lines)[number]);
    });
    const exited = new Promise<number | null>((resolve) =>
      proc.once("exit", (code) => resolve(code)),
    );

    await waitFor(
      `the service to listen (stderr: ${stderr})`,
      () => {
        if (proc.exitCode !== null) throw new Error(`service exited ${proc.exitCode}: ${stderr}`);
        return lines.some((l) => l.msg === "listening");
      },
      30_000,
    );
    const base = lines.find((l) => l.msg === "listening")!.address!;
    expect((await get(`${base}/readyz`)).status).toBe(200);

    const inFlight = Array.from({ length: 20 }, () => get(`${base}/slow`));
    await waitFor(
      "20 requests in flight",
      () => lines.filter((l) => l.msg === "slow started").length === 20,
    );
    proc.kill("SIGTERM");

    await waitFor("not ready", async () => (await get(`${base}/readyz`)).status === 503);
    // Sent during the drain delay: must be served, not refused.
    const duringDrain = await get(`${base}/slow`);

    const results = await Promise.all(inFlight);
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(results.every((r) => JSON.parse(r.body).ok === true)).toBe(true);
    expect(duringDrain.status).toBe(200);
    expect(await exited, `stderr: ${stderr}`).toBe(0);
    expect(lines.flatMap((l) => (l.step ? [l.step] : []))).toEqual([1, 2, 3, 4, 5]);
  });
});
