import { randomBytes } from "node:crypto";
import { once } from "node:events";
import type { IncomingMessage, Server } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServiceProcess } from "./support";
import { TEST_DATABASE_URL, http, skipWithoutServers, testSystem, waitFor } from "./support";

/**
 * Traces across the three services as real processes on real PostgreSQL and RabbitMQ, exported
 * by the real OpenTelemetry SDK to an OTLP/HTTP receiver in this test (the collector's place).
 */

interface Received {
  readonly path: string;
  readonly contentType: string;
  readonly body: Buffer;
}

/** A minimal OTLP/HTTP receiver: records every request, answers 200 as a collector does. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const contentType = req.headers["content-type"] ?? "";
      received.push({ path: req.url ?? "", contentType, body: Buffer.concat(chunks) });
      // An empty ExportTraceServiceResponse: full success.
      if (contentType.includes("json")) {
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      } else {
        res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
      }
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, received };
}

// OTLP/JSON (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): ids are hex,
// enums are integers.
const SpanKinds = { SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpAttr {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: OtlpAttr[];
}
interface OtlpTraces {
  resourceSpans: Array<{
    resource: { attributes: OtlpAttr[] };
    scopeSpans: Array<{ scope: { name: string }; spans: OtlpSpan[] }>;
  }>;
}
interface SpanRow {
  readonly service: string;
  readonly scope: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: number;
  readonly attrs: Record<string, unknown>;
}

const attrValue = (v: OtlpValue): unknown =>
  v.stringValue ?? v.intValue ?? v.boolValue ?? v.doubleValue;
const attrsOf = (list: OtlpAttr[] = []) =>
  Object.fromEntries(list.map((a) => [a.key, attrValue(a.value)]));

function spansOf(received: readonly Received[]): SpanRow[] {
  const rows: SpanRow[] = [];
  for (const r of received) {
    if (r.path !== "/v1/traces") continue;
    const doc = JSON.parse(r.body.toString("utf8")) as OtlpTraces;
    for (const rs of doc.resourceSpans) {
      const service = String(attrsOf(rs.resource.attributes)["service.name"]);
      for (const ss of rs.scopeSpans) {
        for (const s of ss.spans) {
          rows.push({
            service,
            scope: ss.scope.name,
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId || undefined,
            name: s.name,
            kind: s.kind,
            attrs: attrsOf(s.attributes),
          });
        }
      }
    }
  }
  return rows;
}

describe("tracing: gateway -> orders -> broker -> payments -> orders in one trace", () => {
  const system = testSystem("trace");
  const { exchange, consumerQueues } = system;
  // Canaries that must never reach a span: a database password, the client's Idempotency-Key,
  // its Authorization header and the customer id.
  const canary = {
    password: `pw${randomBytes(6).toString("hex")}`,
    idempotencyKey: `key-${randomBytes(6).toString("hex")}`,
    authorization: `Bearer tok${randomBytes(6).toString("hex")}`,
    customerId: `cus-${randomBytes(6).toString("hex")}`,
  };
  const databaseUrl = (() => {
    // Trust auth on the test server ignores the password; it is there to be looked for.
    const u = new URL(TEST_DATABASE_URL);
    if (!u.password) u.password = canary.password;
    return u.toString();
  })();
  const pg = new Client({ connectionString: TEST_DATABASE_URL });
  let pgConnected = false;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
  });

  afterAll(async () => {
    if (pgConnected) await pg.end().catch(() => undefined);
    await system.cleanup();
    receiver?.server.closeAllConnections();
    await new Promise((resolve) => receiver?.server.close(resolve));
  }, 60_000);

  /** Starts payments, orders, then the gateway, all with `otel` added to their env. */
  async function startServices(otel: Record<string, string>): Promise<ServiceProcess[]> {
    const { payments, orders, gateway } = await system.start({
      databaseUrl,
      all: { ...otel, LOG_LEVEL: "info" },
      payments: {
        OTEL_SERVICE_NAME: "payments",
        PROVIDER_FAILURE_RATE: "0",
        PROVIDER_DECLINE_RATE: "0",
        PROVIDER_LOST_RESPONSE_RATE: "0",
        PROVIDER_LATENCY_MS: "0",
      },
      orders: { OTEL_SERVICE_NAME: "orders" },
      gateway: { OTEL_SERVICE_NAME: "gateway" },
    });
    return [gateway, orders, payments];
  }

  /** Places one order through the gateway and waits until it is PAID; returns its id. */
  async function placeOrder(gateway: ServiceProcess, headers: Record<string, string> = {}) {
    const placed = await http(`${gateway.address}/orders`, {
      method: "POST",
      headers: {
        "idempotency-key": `${canary.idempotencyKey}-${randomBytes(3).toString("hex")}`,
        authorization: canary.authorization,
        ...headers,
      },
      body: {
        customerId: canary.customerId,
        currency: "EUR",
        items: [{ sku: "sku-trace", quantity: 2, unitPriceCents: 1250 }],
      },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const id = (placed.body as { id: string }).id;
    await waitFor(
      `order ${id} to be PAID`,
      async () => {
        const res = await http(`${gateway.address}/orders/${id}`);
        return (res.body as { status?: string }).status === "PAID";
      },
      30_000,
    );
    return id;
  }

  const stop = (procs: ServiceProcess[]) =>
    Promise.all(procs.map(async (p) => expect(await p.stop(15_000)).toBe(0)));

  it("http/json: one trace id covers every hop, parents are consistent, resources are right, no secrets", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    await pg.connect();
    pgConnected = true;
    receiver.received.length = 0;
    const procs = await startServices({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_BSP_SCHEDULE_DELAY: "100",
    });
    const [gateway] = procs;
    for (const p of procs) {
      const listening = p.lines.find((l) => l.msg === "listening");
      expect(listening?.tracing).toMatchObject({
        serviceName: p.name,
        endpoint: `${receiver.url}/v1/traces`,
        protocol: "http/json",
        sampler: "parentbased_always_on",
      });
    }
    await placeOrder(gateway!);

    // The last hop: orders consuming payment.succeeded (exported within ~100 ms of its end).
    await waitFor(
      "the orders consumer span of payment.succeeded to be exported",
      async () =>
        spansOf(receiver.received).some(
          (s) => s.service === "orders" && s.name === `process ${consumerQueues.paymentSucceeded}`,
        ),
      20_000,
    );
    // SIGTERM flushes what is still buffered; the exit is clean.
    await stop(procs);
    expect(receiver.received.every((r) => r.contentType.startsWith("application/json"))).toBe(true);

    const spans = spansOf(receiver.received);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const one = (pred: (s: SpanRow) => boolean, what: string): SpanRow => {
      const found = spans.filter(pred);
      expect(found, `${what}: ${found.map((s) => s.name).join(", ")}`).toHaveLength(1);
      return found[0]!;
    };
    const gatewayServer = one(
      (s) => s.service === "gateway" && s.kind === SpanKinds.SERVER && s.name === "POST /orders",
      "gateway POST /orders server span",
    );
    const traceId = gatewayServer.traceId;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(gatewayServer.parentSpanId).toBeUndefined();
    expect(gatewayServer.attrs["http.route"]).toBe("/orders");

    const gatewayClient = one(
      (s) =>
        s.service === "gateway" &&
        s.kind === SpanKinds.CLIENT &&
        s.traceId === traceId &&
        s.attrs["http.request.method"] === "POST",
      "gateway -> orders client span",
    );
    expect(gatewayClient.parentSpanId).toBe(gatewayServer.spanId);
    const ordersServer = one(
      (s) => s.service === "orders" && s.kind === SpanKinds.SERVER && s.name === "POST /orders",
      "orders POST /orders server span",
    );
    expect(ordersServer.parentSpanId).toBe(gatewayClient.spanId);
    const publishPlaced = one(
      (s) => s.service === "orders" && s.name === "publish order.placed",
      "orders publish order.placed",
    );
    expect(publishPlaced.kind).toBe(SpanKinds.PRODUCER);
    expect(publishPlaced.parentSpanId).toBe(ordersServer.spanId);
    expect(publishPlaced.attrs).toMatchObject({
      "messaging.system": "rabbitmq",
      "messaging.destination.name": exchange,
      "messaging.rabbitmq.destination.routing_key": "order.placed",
    });
    const consumePlaced = one(
      (s) => s.service === "payments" && s.name === `process ${consumerQueues.orderPlaced}`,
      "payments process order.placed",
    );
    expect(consumePlaced.kind).toBe(SpanKinds.CONSUMER);
    expect(consumePlaced.parentSpanId).toBe(publishPlaced.spanId);
    expect(consumePlaced.attrs["messaging.message.id"]).toBe(
      publishPlaced.attrs["messaging.message.id"],
    );
    const publishPaid = one(
      (s) => s.service === "payments" && s.name === "publish payment.succeeded",
      "payments publish payment.succeeded",
    );
    expect(publishPaid.kind).toBe(SpanKinds.PRODUCER);
    expect(publishPaid.parentSpanId).toBe(consumePlaced.spanId);
    const consumePaid = one(
      (s) => s.service === "orders" && s.name === `process ${consumerQueues.paymentSucceeded}`,
      "orders process payment.succeeded",
    );
    expect(consumePaid.kind).toBe(SpanKinds.CONSUMER);
    expect(consumePaid.parentSpanId).toBe(publishPaid.spanId);

    // ONE trace: every hop above and every broker span shares the gateway's trace id.
    const hops = [gatewayClient, ordersServer, publishPlaced, consumePlaced, publishPaid];
    expect(new Set([...hops, consumePaid].map((s) => s.traceId))).toEqual(new Set([traceId]));
    const messaging = spans.filter(
      (s) => s.kind === SpanKinds.PRODUCER || s.kind === SpanKinds.CONSUMER,
    );
    expect(messaging).toHaveLength(4);
    expect(new Set(messaging.map((s) => s.traceId))).toEqual(new Set([traceId]));

    // pg: the queries of the request and of both handlers are in the trace, under their span.
    const inTrace = spans.filter((s) => s.traceId === traceId);
    const ancestors = (s: SpanRow): SpanRow[] => {
      const out: SpanRow[] = [];
      for (let p = s.parentSpanId; p !== undefined; p = byId.get(p)?.parentSpanId) {
        const parent = byId.get(p);
        expect(parent, `parent ${p} of ${s.name} was exported`).toBeDefined();
        out.push(parent!);
      }
      return out;
    };
    const pgSpans = inTrace.filter((s) => s.attrs["db.system.name"] === "postgresql");
    for (const [service, root] of [
      ["orders", ordersServer],
      ["payments", consumePlaced],
      ["orders", consumePaid],
    ] as const) {
      expect(
        pgSpans.some((s) => s.service === service && ancestors(s).includes(root)),
        `${service} has pg spans under ${root.name}`,
      ).toBe(true);
    }
    expect(pgSpans.some((s) => String(s.attrs["db.query.text"]).includes("$1"))).toBe(true);
    // Every span of the trace has its parent in the trace (the tree is whole), one root.
    for (const s of inTrace) ancestors(s);
    expect(inTrace.filter((s) => s.parentSpanId === undefined)).toEqual([gatewayServer]);
    // Each span is reported by the service that made it.
    for (const s of inTrace) expect(["gateway", "orders", "payments"]).toContain(s.service);
    expect(new Set(inTrace.map((s) => s.service))).toEqual(
      new Set(["gateway", "orders", "payments"]),
    );
    // Probes are not traced; nothing polled on its own made a trace (the relay, the jobs).
    expect(spans.some((s) => /livez|readyz|metrics/.test(JSON.stringify(s.attrs)))).toBe(false);
    // The only other traces are the test's GET polls through the gateway.
    for (const root of spans.filter((s) => s.parentSpanId === undefined)) {
      expect(["POST /orders", "GET /orders/:id"]).toContain(root.name);
    }

    // No secret or customer data in any attribute of any span.
    const everything = receiver.received.map((r) => r.body.toString("utf8")).join("\n");
    expect(everything).toContain(traceId);
    for (const [name, value] of Object.entries(canary)) {
      expect(everything.includes(value), `${name} leaked into a span`).toBe(false);
    }
    expect(everything.toLowerCase()).not.toContain("authorization");
    expect(everything.toLowerCase()).not.toContain("idempotency-key");
  }, 120_000);

  it("http/protobuf: the same trace is exported as protobuf, continuing the client's traceparent", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    receiver.received.length = 0;
    const procs = await startServices({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
      OTEL_BSP_SCHEDULE_DELAY: "100",
    });
    // The client starts the trace: every service must carry its trace id.
    const traceId = randomBytes(16).toString("hex");
    await placeOrder(procs[0]!, {
      traceparent: `00-${traceId}-${randomBytes(8).toString("hex")}-01`,
    });
    const idBytes = Buffer.from(traceId, "hex");
    const carrying = (service: string) =>
      receiver.received.some(
        (r) => r.body.includes(idBytes) && r.body.includes(Buffer.from(service)),
      );
    await waitFor(
      "spans of the client's trace from all three services",
      async () => ["gateway", "orders", "payments"].every(carrying),
      20_000,
    );
    await stop(procs);
    expect(receiver.received.length).toBeGreaterThan(0);
    for (const r of receiver.received) {
      expect(r.path).toBe("/v1/traces");
      expect(r.contentType).toBe("application/x-protobuf");
    }
  }, 120_000);

  it("no endpoint: nothing is exported, the services work, and say tracing is off", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    receiver.received.length = 0;
    const procs = await startServices({
      // Every other OTEL variable is set; only the (traces) endpoint is missing or empty.
      OTEL_EXPORTER_OTLP_ENDPOINT: "",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_TRACES_SAMPLER: "always_on",
      // Another signal's endpoint points at the receiver: it must not turn tracing on.
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${receiver.url}/v1/metrics`,
      OTEL_BSP_SCHEDULE_DELAY: "100",
    });
    for (const p of procs) {
      expect(p.lines.find((l) => l.msg === "listening")?.tracing).toBe("off");
    }
    await placeOrder(procs[0]!);
    // Two schedule delays and more: a running exporter would have posted by now.
    await new Promise((r) => setTimeout(r, 1_000));
    await stop(procs);
    expect(receiver.received).toEqual([]);
  }, 120_000);
});
