import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  Broker,
  createMetrics,
  createPool,
  defineEvent,
  kitMigrations,
  migrate,
} from "@causeway/kit";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  TEST_AMQP_URL,
  TEST_DATABASE_URL,
  skipWithoutServers,
  uniqueName,
} from "../../kit/test/servers";

const run = promisify(execFile);
const ROOT = join(__dirname, "../../..");
const parkedEvent = defineEvent("dlq.tested", z.object({ n: z.number().int() }));

/** `npm run dlq -- ...args` as an operator runs it; resolves with exit code and output. */
async function dlq(...args: string[]) {
  try {
    const { stdout, stderr } = await run("npm", ["run", "-s", "dlq", "--", ...args], {
      cwd: ROOT,
      env: { ...process.env, AMQP_URL: TEST_AMQP_URL },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const waitFor = async (what: string, check: () => Promise<boolean>) => {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe("npm run dlq against the real broker", () => {
  const schema = uniqueName("dlq_cli");
  const exchange = uniqueName("causeway.dlq-cli");
  const queue = uniqueName("dlq-cli.q");
  const pool = createPool({ url: TEST_DATABASE_URL, schema, max: 4 });
  const metrics = createMetrics({ defaultMetrics: false });
  const broker = new Broker({ url: TEST_AMQP_URL, exchange, metrics });
  afterAll(async () => {
    await broker.stopConsuming().catch(() => undefined);
    for (const q of [queue, `${queue}.dlq`, `${queue}.retry.1`]) {
      await broker.connection.queueDelete({ queue: q }).catch(() => undefined);
    }
    await broker.connection.exchangeDelete({ exchange }).catch(() => undefined);
    await broker.close().catch(() => undefined);
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
  });

  it("lists, shows, replays (consumed once) and purges a parked message", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    await migrate(pool, { schema, migrations: [...kitMigrations] });
    let failing = true;
    const handled: string[] = [];
    await broker.subscribe(parkedEvent, {
      queue,
      pool,
      schema,
      retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 },
      handler: async (event) => {
        if (failing) throw new Error("provider down (test)");
        handled.push(event.id);
      },
    });
    const dlqName = `${queue}.dlq`;
    const depth = async () =>
      (await broker.connection.queueDeclare({ queue: dlqName, passive: true })).messageCount;
    const id = randomUUID();
    await broker.publish(parkedEvent, { n: 1 }, { messageId: id });
    await waitFor("the message to be parked", async () => (await depth()) === 1);

    const listed = await dlq("list", dlqName);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${dlqName.replace(/\./g, "\\.")}\\s+1\\s+0`));

    const metricsText = await metrics.registry.metrics();
    expect(metricsText).toContain(`messaging_dlq_depth{queue="${dlqName}"} 1`);

    const shown = await dlq("show", dlqName, "--count", "5");
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`1 message(s) of ${dlqName}`);
    expect(shown.stdout).toContain(`"messageId":"${id}"`);
    expect(shown.stdout).toContain(
      "max attempts reached; attempt 2/2 failed: Error: provider down",
    );
    expect(await depth()).toBe(1); // shown, not lost

    failing = false;
    const replayed = await dlq("replay", dlqName);
    expect(replayed).toMatchObject({ code: 0 });
    expect(replayed.stdout).toContain(`replayed 1 message(s) from ${dlqName} to ${queue}`);
    await waitFor("the replayed message to be handled", async () => handled.length === 1);
    expect(handled).toEqual([id]);
    expect(await depth()).toBe(0);

    // Replay is safe to repeat: the same message again is a duplicate in the inbox.
    await broker.sendToQueue(dlqName, Buffer.from(JSON.stringify({ n: 1 })), {
      messageId: id,
      type: parkedEvent.type,
    });
    expect((await dlq("replay", dlqName)).code).toBe(0);
    await waitFor("the duplicate to be consumed", async () =>
      (await metrics.registry.metrics()).includes(
        `messages_consumed_total{queue="${queue}",outcome="duplicate"} 1`,
      ),
    );
    expect(handled).toEqual([id]);

    // Purge: refused without --yes (nothing deleted), done with it.
    await broker.sendToQueue(dlqName, Buffer.from("{}"), { messageId: randomUUID() });
    await waitFor("a message in the DLQ", async () => (await depth()) === 1);
    const refused = await dlq("purge", dlqName);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("add --yes");
    expect(await depth()).toBe(1);
    const purged = await dlq("purge", dlqName, "--yes");
    expect(purged.stdout).toContain(`purged 1 message(s) from ${dlqName}`);
    expect(await depth()).toBe(0);

    const bad = await dlq("replay", queue);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("replay needs a DLQ name");
  }, 120_000);
});
