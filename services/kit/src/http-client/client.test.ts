import type { IncomingHttpHeaders, Server } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../errors";
import type { HttpClientOptions } from "./client";
import { HttpClient, retryAfterMs } from "./client";

/** A real upstream on 127.0.0.1: each path has a script of statuses, then 200. */
describe("HttpClient against a real local server", () => {
  const seen: Array<{
    path: string;
    method: string;
    headers: IncomingHttpHeaders;
    at: number;
  }> = [];
  const scripts = new Map<string, number[]>();
  /** Retry-After values sent with the scripted statuses of a path, in order. */
  const retryAfters = new Map<string, string[]>();
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ path: req.url!, method: req.method!, headers: req.headers, at: Date.now() });
      if (req.url === "/hang") return; // never answers
      if (req.url === "/repeated") {
        res.setHeader("content-type", "text/plain");
        res.setHeader("x-multi", ["a", "b"]);
        res.end("plain");
        return;
      }
      if (req.url === "/hang-body") {
        // Headers at once, then a body that never ends.
        res.writeHead(200, { "content-type": "application/json" }).write('{"partial":');
        return;
      }
      const status = scripts.get(req.url!)?.shift() ?? 200;
      const retryAfter = status === 200 ? undefined : retryAfters.get(req.url!)?.shift();
      res
        .writeHead(status, {
          "content-type": "application/json",
          ...(retryAfter === undefined ? {} : { "retry-after": retryAfter }),
        })
        .end(JSON.stringify({ status }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const client = (extra: Partial<HttpClientOptions> = {}) =>
    new HttpClient({
      baseUrl: base,
      timeoutMs: 500,
      ...extra,
      retry: { baseDelayMs: 5, maxDelayMs: 20, ...extra.retry },
    });
  const calls = (path: string) => seen.filter((s) => s.path === path);

  it("retries idempotent requests on 503 and propagates request id and trace context", async () => {
    scripts.set("/get", [503, 502]);
    const res = await client().request({
      path: "/get",
      context: {
        requestId: "req-9",
        traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      },
    });
    expect([res.status, res.attempts, res.body]).toEqual([200, 3, { status: 200 }]);
    for (const c of calls("/get")) {
      expect(c.headers["x-request-id"]).toBe("req-9");
      expect(c.headers.traceparent).toMatch(
        /^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/,
      );
    }
  });

  it("waits at least the Retry-After of a 429/503 before retrying, never sooner", async () => {
    // The policy alone would come back within 20 ms; the upstream asks for 1 s.
    scripts.set("/paced", [503, 429]);
    retryAfters.set("/paced", ["1", "1"]);
    const res = await client({ maxRetryAfterMs: 1_000 }).request({ path: "/paced" });
    expect([res.status, res.attempts]).toEqual([200, 3]);
    const at = calls("/paced").map((c) => c.at);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(990);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(990);
  });

  it("hands a Retry-After longer than it will wait back to the caller, header included", async () => {
    scripts.set("/shed", [503]);
    retryAfters.set("/shed", ["30"]);
    const res = await client().request({ path: "/shed" });
    expect([res.status, res.attempts, res.headers.get("retry-after")]).toEqual([503, 1, "30"]);
    expect(calls("/shed")).toHaveLength(1);
  });

  it("reads one header without the Headers object, as Headers.get would", async () => {
    const res = await client().request({ path: "/repeated" });
    expect(res.body).toBe("plain");
    expect([res.header("x-multi"), res.header("content-type"), res.header("absent")]).toEqual([
      "a, b",
      "text/plain",
      undefined,
    ]);
    expect([res.headers.get("x-multi"), res.headers.get("content-type")]).toEqual([
      "a, b",
      "text/plain",
    ]);
  });

  it("reads Retry-After as delay-seconds or an HTTP-date, and ignores anything else", () => {
    const h = (v: string) => new Headers({ "retry-after": v });
    const now = Date.parse("2026-12-03T06:00:00Z");
    expect(retryAfterMs(h("2"), now)).toBe(2_000);
    expect(retryAfterMs(h("Thu, 03 Dec 2026 06:00:05 GMT"), now)).toBe(5_000);
    expect(retryAfterMs(h("Thu, 03 Dec 2026 05:59:00 GMT"), now)).toBe(0);
    expect(retryAfterMs(h("soon"), now)).toBeUndefined();
    expect(retryAfterMs(h("-1"), now)).toBeUndefined();
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
  });

  it("does not retry a POST without Idempotency-Key, and retries one with it", async () => {
    scripts.set("/post", [503]);
    const plain = await client().request({ method: "POST", path: "/post", body: { a: 1 } });
    expect([plain.status, plain.attempts]).toEqual([503, 1]);
    scripts.set("/post-key", [503]);
    const keyed = await client().request({
      method: "POST",
      path: "/post-key",
      body: { a: 1 },
      idempotencyKey: "k1",
    });
    expect([keyed.status, keyed.attempts]).toEqual([200, 2]);
    expect(calls("/post-key").map((c) => c.headers["idempotency-key"])).toEqual(["k1", "k1"]);
  });

  it("comes back later on a 409 caused by its own earlier attempt, and only then", async () => {
    // Attempt 1 failed (503); attempt 2 meets the key still held by attempt 1: retried.
    scripts.set("/own-in-flight", [503, 409]);
    const own = await client().request({
      method: "POST",
      path: "/own-in-flight",
      body: { a: 1 },
      idempotencyKey: "k2",
    });
    expect([own.status, own.attempts]).toEqual([200, 3]);
    // A 409 on the first attempt is another request holding the key: returned as is.
    scripts.set("/other-in-flight", [409]);
    const other = await client().request({
      method: "POST",
      path: "/other-in-flight",
      body: { a: 1 },
      idempotencyKey: "k3",
    });
    expect([other.status, other.attempts]).toEqual([409, 1]);
    // A 409 that persists is returned after the last attempt, not thrown.
    scripts.set("/stuck", [503, 409, 409]);
    const stuck = await client().request({
      method: "POST",
      path: "/stuck",
      body: { a: 1 },
      idempotencyKey: "k4",
    });
    expect([stuck.status, stuck.attempts]).toEqual([409, 3]);
  });

  it("makes 3 attempts by default, and refuses an invalid retry policy", async () => {
    scripts.set("/default", [503, 503, 503]);
    const res = await new HttpClient({ baseUrl: base }).request({ path: "/default" });
    expect([res.status, res.attempts]).toEqual([503, 3]);
    expect(() => client({ retry: { baseDelayMs: 50, maxDelayMs: 10 } })).toThrow(
      "Invalid retry policy: maxDelayMs must be an integer >= baseDelayMs (50), got 10",
    );
  });

  it("times out each attempt and reports UPSTREAM_TIMEOUT", async () => {
    const err = await client({ retry: { maxAttempts: 2 }, timeoutMs: 100 })
      .request({ path: "/hang" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("UPSTREAM_TIMEOUT");
    expect(calls("/hang")).toHaveLength(2);
  });

  it("times out an attempt whose body never ends, counts it toward the circuit, and the next call works", async () => {
    const c = client({ timeoutMs: 100, breakerThreshold: 2, halfOpenAfterMs: 60_000 });
    const err = await c.request({ method: "POST", path: "/hang-body" }).catch((e: unknown) => e);
    expect((err as AppError).code).toBe("UPSTREAM_TIMEOUT");
    expect(calls("/hang-body")).toHaveLength(1); // a POST without a key is never retried
    // The aborted socket is not reused: the next call on the same client is answered.
    const ok = await c.request({ path: "/after-timeout" });
    expect(ok.status).toBe(200);
    expect(c.circuitState).toBe("closed");
    // A second consecutive timeout reaches the threshold of 2 and opens the circuit.
    await c.request({ method: "POST", path: "/hang-body" }).catch(() => undefined);
    await c.request({ method: "POST", path: "/hang-body" }).catch(() => undefined);
    expect(c.circuitState).toBe("open");
  });

  it("a 500 or a 4xx never opens the circuit: they are answers about one request", async () => {
    scripts.set("/bad-input", [...Array<number>(10).fill(500), ...Array<number>(10).fill(422)]);
    const c = client({ breakerThreshold: 3, halfOpenAfterMs: 60_000 });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      statuses.push((await c.request({ method: "POST", path: "/bad-input" })).status);
    }
    expect(statuses).toEqual([...Array<number>(10).fill(500), ...Array<number>(10).fill(422)]);
    expect(c.circuitState).toBe("closed");
    expect(calls("/bad-input")).toHaveLength(20);
  });

  it("opens after consecutive upstream failures (502/503/504, connection errors), then fails fast", async () => {
    scripts.set("/down", [503, 502, 504, 503]);
    const c = client({ breakerThreshold: 3, halfOpenAfterMs: 60_000 });
    for (let i = 0; i < 3; i++) await c.request({ method: "POST", path: "/down" });
    expect(c.circuitState).toBe("open");
    const err = await c.request({ path: "/down" }).catch((e: unknown) => e);
    expect((err as AppError).code).toBe("UPSTREAM_UNAVAILABLE");
    expect((err as AppError).message).toBe(`Circuit open for ${new URL(base).host}`);
    expect(calls("/down")).toHaveLength(3);

    const dead = new HttpClient({ baseUrl: "http://127.0.0.1:1", breakerThreshold: 2 });
    for (let i = 0; i < 2; i++) {
      const e = await dead.request({ method: "POST", path: "/x" }).catch((x: unknown) => x);
      expect((e as AppError).message).toMatch(/^127\.0\.0\.1:1 is unreachable/);
    }
    expect(dead.circuitState).toBe("open");
  });

  it("half-open: one probe after the delay; a failed probe reopens, a good one closes", async () => {
    scripts.set("/flaky", [503, 503, 503]);
    const c = client({ breakerThreshold: 2, halfOpenAfterMs: 20, halfOpenMaxMs: 40 });
    for (let i = 0; i < 2; i++) await c.request({ method: "POST", path: "/flaky" });
    expect(c.circuitState).toBe("open");
    // Calls fail fast until the delay has passed; then one goes through: the probe (bounded).
    const probe = async () => {
      for (let i = 0; i < 500; i++) {
        const r = await c.request({ method: "POST", path: "/flaky" }).catch((e: unknown) => e);
        if (!(r instanceof AppError)) return (r as { status: number }).status;
        await new Promise((res) => setTimeout(res, 5));
      }
      throw new Error("no probe went through");
    };
    expect(await probe()).toBe(503); // the third scripted 503: the probe fails
    expect(c.circuitState).toBe("open");
    expect(await probe()).toBe(200); // the upstream recovered: the probe succeeds
    expect(c.circuitState).toBe("closed");
    expect(calls("/flaky")).toHaveLength(4);
  });
});
