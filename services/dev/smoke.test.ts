import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Client } from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot, skipWithoutServers, TEST_DATABASE_URL, testSystem } from "../test/support";

/** Runs `npm run smoke -- <args>` as a child process; resolves with its exit code and output. */
function smoke(
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        require.resolve("tsx/cli"),
        "--conditions=causeway-source",
        join(repoRoot, "services/dev/smoke.ts"),
        ...args,
      ],
      { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("npm run smoke against the real services on 127.0.0.1", () => {
  const system = testSystem("smoke");
  const { schemas } = system;

  afterAll(() => system.cleanup(), 60_000);

  it(
    "places an order with an Idempotency-Key, sees it settle and reads it back; exits 0",
    { timeout: 120_000 },
    async (ctx) => {
      if (await skipWithoutServers(ctx)) return;
      const { gateway } = await system.start({
        payments: { PROVIDER_SEED: "3", PROVIDER_LATENCY_MS: "5" },
      });

      const r = await smoke(gateway.address, "--timeout", "45");
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const lines = r.stdout.trim().split("\n");
      expect(lines[0]).toBe(`smoke check of ${gateway.address}/`);
      expect(lines[1]).toMatch(
        /^\[1\/4 place an order\] POST http:\/\/127\.0\.0\.1:\d+\/orders \(Idempotency-Key smoke-[0-9a-f-]{36}\) -> 201, order (\S+) PENDING \(\d+ ms\)$/,
      );
      const id = /order (\S+) PENDING/.exec(lines[1]!)![1]!;
      expect(lines[2]).toMatch(
        new RegExp(
          `^\\[2/4 retry with the same key\\] POST .* -> 20[01], same order ${id}, idempotent-replayed: true`,
        ),
      );
      expect(lines[3]).toMatch(
        /^\[3\/4 wait for payment\] GET .* -> (PAID|PAYMENT_FAILED) after \d+ polls$/,
      );
      const final = /-> (PAID|PAYMENT_FAILED)/.exec(lines[3]!)![1]!;
      expect(lines[4]).toMatch(
        new RegExp(`^\\[4/4 read it back\\] GET .* -> 200, ${final}, 100 EUR cents`),
      );
      expect(lines[5]).toBe(`smoke check passed: order ${id} is ${final}`);
      // What the script said is what orders holds.
      const pg = new Client({ connectionString: TEST_DATABASE_URL });
      await pg.connect();
      try {
        const rows = await pg.query<{ status: string }>(
          `SELECT status FROM "${schemas.orders}".orders WHERE id = $1`,
          [id],
        );
        expect(rows.rows).toEqual([{ status: final }]);
      } finally {
        await pg.end();
      }
    },
  );

  it(
    "exits 1 with a clear message when the gateway is unreachable or answers wrongly",
    { timeout: 60_000 },
    async () => {
      // A port with nothing listening: bind, note it, close.
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((r) => closed.close(() => r()));
      const down = await smoke(`http://127.0.0.1:${port}`);
      expect(down.code).toBe(1);
      expect(down.stderr).toBe(
        `smoke check FAILED: POST http://127.0.0.1:${port}/orders failed: ECONNREFUSED. Check that the domain resolves to the load balancer (pulumi stack output albDnsName) and that the certificate is issued.\n`,
      );

      // Something that is not the gateway: a 404 for every request.
      const other = createServer((_req, res) =>
        res.writeHead(404, { "content-type": "text/plain" }).end("no such route"),
      );
      await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
      try {
        const wrong = await smoke(`http://127.0.0.1:${(other.address() as AddressInfo).port}`);
        expect(wrong.code).toBe(1);
        expect(wrong.stderr).toBe(
          "smoke check FAILED: 1/4 place an order: expected HTTP 201, got 404 (no such route)\n",
        );
      } finally {
        await new Promise<void>((r) => other.close(() => r()));
      }

      expect(await smoke("http://api.example.com")).toMatchObject({
        code: 1,
        stderr:
          'smoke check FAILED: "http://api.example.com": use https:// (the load balancer answers http:// with a redirect); http:// is only for a local gateway on 127.0.0.1\n',
      });
      expect(await smoke()).toMatchObject({
        code: 1,
        stderr:
          "smoke check FAILED: the gateway's URL is required\nusage: npm run smoke -- https://<domain> [--timeout SECONDS]\n",
      });
    },
  );
});
