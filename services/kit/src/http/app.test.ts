import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { kitError } from "../errors";
import { createLogger, hashForLog } from "../logger";
import { KEEP_ALIVE_TIMEOUT_MS, buildApp } from "./app";
import { Readiness } from "./readiness";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { lines, logger: createLogger({ name: "test", destination }) };
}

describe("buildApp", () => {
  let app: ReturnType<typeof buildApp> | undefined;
  afterEach(async () => {
    await app?.close();
  });

  it("serves /livez, /readyz (with checks) and /metrics", async () => {
    let dbUp = false;
    const readiness = new Readiness([{ name: "database", check: () => dbUp }]);
    app = buildApp({ serviceName: "t", readiness, logger: capture().logger });
    app.get("/orders/:id", async () => ({ ok: true }));
    expect((await app.inject("/livez")).json()).toEqual({ status: "alive" });
    const down = await app.inject("/readyz");
    expect([down.statusCode, down.json()]).toEqual([
      503,
      { status: "not-ready", failing: ["database"] },
    ]);
    dbUp = true;
    expect((await app.inject("/readyz")).statusCode).toBe(200);
    readiness.startDraining();
    expect((await app.inject("/readyz")).json()).toEqual({
      status: "not-ready",
      failing: ["shutting-down"],
    });

    await app.inject("/orders/1");
    const metrics = (await app.inject("/metrics")).body;
    expect(metrics).toContain(
      'http_request_duration_seconds_count{method="GET",route="/orders/:id",status_code="200"} 1',
    );
    expect(metrics).toContain("# TYPE messages_consumed_total counter");
  });

  it("renders validation, 404, 413, coded and unknown errors from one catalogue", async () => {
    app = buildApp({ serviceName: "t", bodyLimitBytes: 64, logger: capture().logger });
    app.post(
      "/orders",
      {
        schema: {
          body: {
            type: "object",
            required: ["amount"],
            properties: { amount: { type: "integer" } },
          },
        },
      },
      async () => ({ ok: true }),
    );
    app.get("/coded", async () => {
      throw kitError("IDEMPOTENCY_KEY_REUSED");
    });
    app.get("/boom", async () => {
      throw new Error("secret internals");
    });
    const codeOf = async (
      r: Promise<{ statusCode: number; json: () => { error: { code: string } } }>,
    ) => {
      const res = await r;
      return [res.statusCode, res.json().error.code];
    };
    expect(
      await codeOf(app.inject({ method: "POST", url: "/orders", payload: { amount: "x" } })),
    ).toEqual([400, "VALIDATION_FAILED"]);
    expect(
      await codeOf(
        app.inject({
          method: "POST",
          url: "/orders",
          payload: { amount: 1, pad: "x".repeat(100) },
        }),
      ),
    ).toEqual([413, "PAYLOAD_TOO_LARGE"]);
    expect(await codeOf(app.inject("/nope"))).toEqual([404, "NOT_FOUND"]);
    expect(await codeOf(app.inject("/coded"))).toEqual([422, "IDEMPOTENCY_KEY_REUSED"]);
    const boom = await app.inject({ url: "/boom", headers: { "x-request-id": "req-1" } });
    expect(boom.json()).toEqual({
      error: { code: "INTERNAL", message: "Internal server error.", requestId: "req-1" },
    });
  });

  it("propagates valid request ids, replaces invalid ones, and redacts secrets in logs", async () => {
    const { lines, logger } = capture();
    app = buildApp({ serviceName: "t", logger });
    const kept = await app.inject({ url: "/livez", headers: { "x-request-id": "abc-123" } });
    expect(kept.headers["x-request-id"]).toBe("abc-123");
    const replaced = await app.inject({ url: "/livez", headers: { "x-request-id": "bad id!" } });
    expect(replaced.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    app.log.info({ password: "hunter2", DATABASE_URL: "postgres://u:p@h/db" }, "hello");
    const line = lines.find((l) => l.includes('"hello"'))!;
    expect(line).toContain('"password":"[redacted]"');
    expect(line).not.toContain("hunter2");
    expect(line).not.toContain("u:p@h");
    expect(app.server.keepAliveTimeout).toBe(KEEP_ALIVE_TIMEOUT_MS);
  });

  it("writes one access-log line per request, with request, status and time; probes below info", async () => {
    const { lines, logger } = capture();
    app = buildApp({ serviceName: "t", logger });
    app.get("/thing", async () => ({ ok: true }));
    await app.inject({ url: "/thing", headers: { "x-request-id": "req-one" } });
    await app.inject({ url: "/livez" });
    await app.inject({ url: "/readyz" });
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const ofRequest = logged.filter((l) => l.reqId === "req-one");
    expect(ofRequest).toHaveLength(1);
    expect(ofRequest[0]).toMatchObject({
      msg: "request completed",
      req: { method: "GET", url: "/thing" },
      res: { statusCode: 200 },
    });
    expect(typeof ofRequest[0]!.responseTime).toBe("number");
    // The logger's level is info: probe lines are debug, so none is written.
    expect(logged.filter((l) => /livez|readyz/.test(JSON.stringify(l.req ?? "")))).toEqual([]);
  });

  it("gives handlers a request logger with the request id and key hash, redacting what they log", async () => {
    const { lines, logger } = capture();
    app = buildApp({ serviceName: "t", logger });
    app.get("/logs", async (req) => {
      req.log.debug({ password: "hunter2" }, "below the level");
      req.log.info({ password: "hunter2", note: "kept" }, "handler line");
      req.log.child({ step: 2 }).warn("from a child");
      return { ok: true };
    });
    await app.inject({
      url: "/logs",
      headers: { "x-request-id": "req-two", "idempotency-key": "key-secret-1" },
    });
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const ofRequest = logged.filter((l) => l.reqId === "req-two");
    expect(ofRequest.map((l) => l.msg)).toEqual([
      "handler line",
      "from a child",
      "request completed",
    ]);
    for (const l of ofRequest) expect(l.idempotencyKeyHash).toBe(hashForLog("key-secret-1"));
    expect(ofRequest[0]).toMatchObject({ password: "[redacted]", note: "kept", level: 30 });
    expect(ofRequest[1]).toMatchObject({ step: 2, level: 40 });
    expect(lines.join("")).not.toContain("hunter2");
    expect(lines.join("")).not.toContain("key-secret-1");
  });
});
