/**
 * `npm run demo`: places orders through the gateway (one with a retried Idempotency-Key, one
 * reusing a key with another payload), while the simulated provider injects failures, declines
 * and lost responses; then prints how each order ended and what the provider and ledger saw.
 * It uses a running `npm run dev` (gateway on :8080) if there is one, otherwise it starts the
 * services itself (logs in a temp file) and stops them at the end.
 */
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Launched } from "./launch";
import { Defaults, launch, preflight } from "./launch";

const gatewayUrl = `http://127.0.0.1:${Defaults.ports.gateway}`;
const paymentsUrl = `http://127.0.0.1:${Defaults.ports.payments}`;

async function call(url: string, init: RequestInit = {}) {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // text
  }
  return { status: res.status, headers: res.headers, body };
}

async function up(): Promise<boolean> {
  try {
    return (await call(`${gatewayUrl}/readyz`)).status === 200;
  } catch {
    return false;
  }
}

function metric(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

async function main(): Promise<void> {
  let started: Launched | undefined;
  if (!(await up())) {
    const amqpUrl = process.env.AMQP_URL ?? Defaults.AMQP_URL;
    const databaseUrl = process.env.DATABASE_URL ?? Defaults.DATABASE_URL;
    const problems = await preflight({ amqp: amqpUrl, database: databaseUrl });
    if (problems.length > 0) {
      console.error(`npm run demo: cannot start.\n\n${problems.join("\n\n")}`);
      process.exit(1);
    }
    const logFile = join(tmpdir(), `causeway-demo-${process.pid}.log`);
    const log = createWriteStream(logFile);
    console.log(`starting gateway, orders and payments (logs: ${logFile}) ...`);
    started = launch({
      amqpUrl,
      databaseUrl,
      color: false,
      onLine: (_s, text) => log.write(`${text}\n`),
    });
    try {
      await started.listening;
    } catch (err) {
      console.error(`npm run demo: ${(err as Error).message}; see ${logFile}`);
      await started.stop();
      process.exit(1);
    }
  } else {
    console.log(`using the services already running (gateway ${gatewayUrl})`);
  }

  try {
    await demo();
  } finally {
    if (started) {
      await started.stop();
      console.log("services stopped");
    }
  }
}

async function demo(): Promise<void> {
  const run = randomUUID().slice(0, 8);
  const skus = ["book", "lamp", "mug", "pen", "desk", "chair", "plant", "clock"];
  const placed: Array<{ key: string; id: string; note: string; amount: string }> = [];
  const place = async (key: string, i: number) => {
    const body = {
      customerId: `cus_${i}`,
      currency: "EUR",
      items: [
        { sku: skus[i % skus.length]!, quantity: 1 + (i % 3), unitPriceCents: 990 + i * 100 },
      ],
    };
    const res = await call(`${gatewayUrl}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": key },
      body: JSON.stringify(body),
    });
    return { res, body };
  };

  console.log(`\nplacing 12 orders through the gateway (run ${run})`);
  for (let i = 0; i < 12; i++) {
    const key = `demo-${run}-${i}`;
    const { res, body } = await place(key, i);
    if (res.status !== 201)
      throw new Error(`POST /orders answered ${res.status}: ${JSON.stringify(res.body)}`);
    const order = res.body as { id: string; amountCents: number };
    let note = "";
    if (i === 3) {
      // The client "lost" the response and retries with the same key: same order, replayed.
      const again = await place(key, i);
      const same = (again.res.body as { id: string }).id === order.id;
      note = `retried key: ${again.res.status}, replayed=${again.res.headers.get("idempotent-replayed")}, same order=${same}`;
      console.log(`  ${key}: ${note}`);
    }
    if (i === 5) {
      const reused = await call(`${gatewayUrl}/orders`, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": key },
        body: JSON.stringify({ ...body, currency: "USD" }),
      });
      note = `key reused with another payload: ${reused.status} ${(reused.body as { error: { code: string } }).error.code}`;
      console.log(`  ${key}: ${note}`);
    }
    placed.push({ key, id: order.id, note, amount: (order.amountCents / 100).toFixed(2) });
  }

  console.log("\nwaiting for payments ...");
  const final = new Map<string, string>();
  const deadline = Date.now() + 60_000;
  while (final.size < placed.length && Date.now() < deadline) {
    for (const p of placed) {
      if (final.has(p.id)) continue;
      const status = ((await call(`${gatewayUrl}/orders/${p.id}`)).body as { status: string })
        .status;
      if (status !== "PENDING") final.set(p.id, status);
    }
    await new Promise((r) => setTimeout(r, 300));
  }

  console.log("\nhow each order ended:");
  console.log(
    `  ${"idempotency key".padEnd(20)} ${"order id".padEnd(36)} ${"EUR".padStart(7)}  ${"status".padEnd(15)} ledger`,
  );
  for (const p of placed) {
    const charges = (
      (await call(`${paymentsUrl}/charges?orderId=${p.id}`)).body as {
        charges: Array<{ status: string; providerChargeId: string }>;
      }
    ).charges;
    const ledger = charges.map((c) => `${c.status} ${c.providerChargeId}`).join(", ") || "-";
    console.log(
      `  ${p.key.padEnd(20)} ${p.id} ${p.amount.padStart(7)}  ${(final.get(p.id) ?? "PENDING").padEnd(15)} ${ledger}`,
    );
  }
  const m = String((await call(`${paymentsUrl}/metrics`)).body);
  console.log(
    `\nsimulated provider (since payments started): ${metric(m, "simulated_provider_calls")} calls, ` +
      `${metric(m, "simulated_provider_failures")} failed before charging (retried), ` +
      `${metric(m, "simulated_provider_lost_responses")} charged but response lost (retried with the same key), ` +
      `${metric(m, "simulated_provider_replays")} answered from the original charge; ` +
      `charges created: ${metric(m, 'simulated_provider_charges_created{status="succeeded"}')} succeeded, ` +
      `${metric(m, 'simulated_provider_charges_created{status="declined"}')} declined`,
  );
  const pending = placed.filter((p) => !final.has(p.id)).length;
  if (pending > 0) {
    console.error(`\n${pending} order(s) still PENDING after 60 s`);
    process.exitCode = 1;
  }
}

void main();
