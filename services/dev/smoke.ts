/**
 * `npm run smoke -- https://<domain> [--timeout SECONDS]`: the smoke check of a deployed stack
 * (or of `npm run dev`, at http://127.0.0.1:8080). Through the gateway it places one order with
 * an Idempotency-Key, retries it with the same key (the same order must come back), polls the
 * order until payments settles it (PAID or PAYMENT_FAILED, both final: the order went through
 * the broker to payments and back), and reads it back. Each step is printed; any failure exits 1
 * with what went wrong and where to look.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";

const USAGE = "usage: npm run smoke -- https://<domain> [--timeout SECONDS]";
const FINAL = new Set(["PAID", "PAYMENT_FAILED"]);

class SmokeError extends Error {}

interface Order {
  id: string;
  status: string;
  amountCents: number;
  currency: string;
}

/** The gateway's base URL: https, or http only on this machine (the ALB redirects 80 to 443). */
function baseUrlOf(raw: string | undefined): URL {
  if (!raw) throw new SmokeError(`the gateway's URL is required\n${USAGE}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SmokeError(
      `"${raw}" is not a URL; pass the stack's url output, e.g. https://api.example.com`,
    );
  }
  const local = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && local)) {
    throw new SmokeError(
      `"${raw}": use https:// (the load balancer answers http:// with a redirect); http:// is only for a local gateway on 127.0.0.1`,
    );
  }
  url.pathname = url.pathname.replace(/\/+$/, "");
  return url;
}

async function call(
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<{ status: number; headers: Headers; body: unknown; ms: number }> {
  const started = Date.now();
  let res: Response;
  try {
    res = await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new SmokeError(
      `${init.method ?? "GET"} ${url} failed: ${cause?.code ?? cause?.message ?? (e as Error).message}. ` +
        "Check that the domain resolves to the load balancer (pulumi stack output albDnsName) and that the certificate is issued.",
    );
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the message
  }
  return { status: res.status, headers: res.headers, body, ms: Date.now() - started };
}

function describe(body: unknown): string {
  const code = (body as { error?: { code?: string; message?: string } })?.error;
  if (code?.code) return `${code.code}: ${code.message ?? ""}`.trim();
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function expectStatus(step: string, res: { status: number; body: unknown }, want: number[]): void {
  if (!want.includes(res.status)) {
    throw new SmokeError(
      `${step}: expected HTTP ${want.join(" or ")}, got ${res.status} (${describe(res.body)})`,
    );
  }
}

function asOrder(step: string, body: unknown): Order {
  const o = body as Partial<Order>;
  if (typeof o?.id !== "string" || typeof o.status !== "string") {
    throw new SmokeError(`${step}: the answer is not an order (${describe(body)})`);
  }
  return o as Order;
}

async function smoke(
  base: URL,
  opts: { timeoutMs: number; pollMs: number; log: (line: string) => void },
): Promise<Order> {
  const orders = `${base.href.replace(/\/$/, "")}/orders`;
  const key = `smoke-${randomUUID()}`;
  const body = JSON.stringify({
    customerId: "smoke-check",
    currency: "EUR",
    items: [{ sku: "smoke-check", quantity: 1, unitPriceCents: 100 }],
  });
  const post = () =>
    call(
      orders,
      {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": key },
        body,
      },
      10_000,
    );

  let step = "1/4 place an order";
  const placed = await post();
  expectStatus(step, placed, [201]);
  const order = asOrder(step, placed.body);
  opts.log(
    `[${step}] POST ${orders} (Idempotency-Key ${key}) -> ${placed.status}, order ${order.id} ${order.status} (${placed.ms} ms)`,
  );

  step = "2/4 retry with the same key";
  const retried = await post();
  expectStatus(step, retried, [200, 201]);
  const again = asOrder(step, retried.body);
  if (again.id !== order.id) {
    throw new SmokeError(
      `${step}: the retry created another order (${again.id} instead of ${order.id})`,
    );
  }
  opts.log(
    `[${step}] POST ${orders} -> ${retried.status}, same order ${again.id}, idempotent-replayed: ${retried.headers.get("idempotent-replayed") ?? "(absent)"} (${retried.ms} ms)`,
  );

  step = "3/4 wait for payment";
  const url = `${orders}/${encodeURIComponent(order.id)}`;
  const deadline = Date.now() + opts.timeoutMs;
  let current = order;
  let polls = 0;
  while (!FINAL.has(current.status)) {
    if (Date.now() > deadline) {
      throw new SmokeError(
        `${step}: order ${order.id} still ${current.status} after ${opts.timeoutMs / 1000} s. ` +
          "Check the orders and payments logs (kubectl -n causeway logs deploy/payments) and the broker's queues.",
      );
    }
    await new Promise((r) => setTimeout(r, opts.pollMs));
    const res = await call(url, {}, 10_000);
    expectStatus(step, res, [200]);
    current = asOrder(step, res.body);
    polls++;
  }
  opts.log(`[${step}] GET ${url} -> ${current.status} after ${polls} polls`);

  step = "4/4 read it back";
  const read = await call(url, {}, 10_000);
  expectStatus(step, read, [200]);
  const final = asOrder(step, read.body);
  if (final.id !== order.id || final.status !== current.status || final.amountCents !== 100) {
    throw new SmokeError(
      `${step}: read back ${JSON.stringify(final)}, expected order ${order.id}, ${current.status}, 100 cents`,
    );
  }
  opts.log(
    `[${step}] GET ${url} -> ${read.status}, ${final.status}, ${final.amountCents} ${final.currency} cents (${read.ms} ms)`,
  );
  return final;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { timeout: { type: "string", default: "90" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new SmokeError(`expected one URL\n${USAGE}`);
  const base = baseUrlOf(positionals[0]);
  const seconds = Number(values.timeout);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new SmokeError(
      `--timeout must be a number of seconds above 0 (found "${values.timeout}")`,
    );
  }
  console.log(`smoke check of ${base.href}`);
  const final = await smoke(base, {
    timeoutMs: seconds * 1000,
    pollMs: 500,
    log: (l) => console.log(l),
  });
  console.log(`smoke check passed: order ${final.id} is ${final.status}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    const user =
      e instanceof SmokeError ||
      String((e as { code?: string })?.code).startsWith("ERR_PARSE_ARGS_");
    console.error(
      `smoke check FAILED: ${user ? (e as Error).message : ((e as Error)?.stack ?? String(e))}`,
    );
    process.exitCode = 1;
  },
);
