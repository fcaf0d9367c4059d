import { randomUUID } from "node:crypto";
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleWhen,
  wrap,
} from "cockatiel";
import type {
  CircuitBreakerPolicy,
  IBackoff,
  IBackoffFactory,
  IPolicy,
  IRetryBackoffContext,
} from "cockatiel";
import type { FastifyRequest } from "fastify";
import { Agent } from "undici";
import type { Dispatcher } from "undici";
import { kitError } from "../errors";
import { cockatielBackoff, cockatielRetry } from "../retry/cockatiel";
import type { RetryPolicy } from "../retry/policy";
import { checkRetryPolicy } from "../retry/policy";
import { tracingStatus } from "../tracing";
import { childTraceparent } from "./traceparent";

/** Methods that RFC 9110 defines as idempotent: always safe to retry. */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set([
  "GET",
  "HEAD",
  "OPTIONS",
  "TRACE",
  "PUT",
  "DELETE",
]);
/** Statuses worth retrying (the upstream did not process, or asks us to come back). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);
/**
 * Statuses that count toward opening the circuit: the upstream (or what stands before it) could
 * not serve any request. A 500 or a 4xx is an answer about one request, from an upstream that
 * is up: it never counts, so one client's input cannot open the circuit for every client.
 */
export const BREAKER_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);
const CIRCUIT_STATES: Record<CircuitState, string> = {
  [CircuitState.Closed]: "closed",
  [CircuitState.Open]: "open",
  [CircuitState.HalfOpen]: "half-open",
  [CircuitState.Isolated]: "isolated",
};
/** Retries of retryable requests when the client does not set its own. */
export const DEFAULT_HTTP_RETRY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 2_000,
  jitter: "full",
};

export interface HttpClientOptions {
  /** e.g. http://orders.causeway.svc:8080 (from the service's env). */
  readonly baseUrl: string;
  /** For error messages and logs. Default: the base URL's host. */
  readonly name?: string;
  /** Per attempt. Default 2000 ms. */
  readonly timeoutMs?: number;
  /**
   * Attempts and backoff of retryable requests; unset fields come from `DEFAULT_HTTP_RETRY`:
   * 3 attempts, 100 ms base, 2000 ms cap, full jitter.
   */
  readonly retry?: Partial<RetryPolicy>;
  /**
   * Open the circuit after this many consecutive upstream failures (connection errors,
   * timeouts, 502/503/504; never a 4xx or 500). Default 5.
   */
  readonly breakerThreshold?: number;
  /**
   * After this long open, the circuit is half-open: one request probes the upstream; success
   * closes the circuit, failure opens it again for twice as long, up to `halfOpenMaxMs`.
   * Default 1000 ms.
   */
  readonly halfOpenAfterMs?: number;
  /** Cap of the open period between probes. Default 30000 ms. */
  readonly halfOpenMaxMs?: number;
  /**
   * The longest Retry-After (RFC 9110 section 10.2.3) of a 429 or 503 that this client waits
   * out before retrying. A longer one is not retried here: the response goes back to the caller,
   * Retry-After included, so the upstream's own pacing reaches the end client. Default: the
   * retry policy's `maxDelayMs`.
   */
  readonly maxRetryAfterMs?: number;
}

/** What gets propagated downstream. */
export interface CallContext {
  readonly requestId?: string;
  readonly traceparent?: string;
}

export interface CallOptions {
  readonly method?: string;
  readonly path: string;
  /** Sent as JSON (serialized here). */
  readonly body?: unknown;
  /**
   * A body that is already JSON text, sent as it is (instead of `body`): a proxy forwards the
   * bytes it received and validated, without serializing them again.
   */
  readonly json?: string;
  /**
   * "text": the response body is returned as the text received, never parsed (a proxy passes it
   * through with its content-type). Default "json": parsed when the response is JSON.
   */
  readonly responseAs?: "json" | "text";
  readonly headers?: Record<string, string>;
  /** Sent as `Idempotency-Key`; makes a POST/PATCH retryable. */
  readonly idempotencyKey?: string;
  readonly context?: CallContext;
}

export interface HttpResponse<T = unknown> {
  readonly status: number;
  /** All response headers (built on first read). */
  readonly headers: Headers;
  /**
   * One response header by its lower-case name, repeated values joined with ", " (as
   * `headers.get` does), undefined when absent: read from the parsed response without
   * building a `Headers` object, which a proxy relaying a few headers per response skips.
   */
  header(name: string): string | undefined;
  /** Parsed JSON when the response is JSON, otherwise text. */
  readonly body: T;
  /** Attempts made (1 = no retry). */
  readonly attempts: number;
}

function toHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

type RawHeaders = Record<string, string | string[] | undefined>;

/** An upstream response; its `Headers` object is made only if someone reads `headers`. */
class UpstreamResponse implements HttpResponse {
  private all: Headers | undefined;

  constructor(
    readonly status: number,
    private readonly raw: RawHeaders,
    readonly body: unknown,
    readonly attempts: number,
  ) {}

  get headers(): Headers {
    this.all ??= toHeaders(this.raw);
    return this.all;
  }

  header(name: string): string | undefined {
    const value = this.raw[name];
    return Array.isArray(value) ? value.join(", ") : value;
  }

  /** The same response, counted with `attempts`. */
  withAttempts(attempts: number): UpstreamResponse {
    return new UpstreamResponse(this.status, this.raw, this.body, attempts);
  }
}

/** The request id and trace context of an incoming Fastify request, for outgoing calls. */
export function propagationFrom(req: FastifyRequest): CallContext {
  const tp = req.headers.traceparent;
  return { requestId: req.id, ...(typeof tp === "string" ? { traceparent: tp } : {}) };
}

class FailedStatus extends Error {
  constructor(readonly response: UpstreamResponse) {
    super(`HTTP ${response.status}`);
  }
}

/** A 409 for a keyed request: the key is still in flight upstream; retryable, not a failure. */
class InFlightStatus extends FailedStatus {}

const isFailure = (err: Error) =>
  !(err instanceof BrokenCircuitError) &&
  !(err instanceof InFlightStatus) &&
  (!(err instanceof FailedStatus) || BREAKER_STATUSES.has(err.response.status));
const isTransient = (err: Error) =>
  !(err instanceof BrokenCircuitError) &&
  (!(err instanceof FailedStatus) ||
    err instanceof InFlightStatus ||
    RETRYABLE_STATUSES.has(err.response.status));

/**
 * The delay a response's Retry-After asks for, in ms: delay-seconds or an HTTP-date
 * (RFC 9110 section 10.2.3); undefined when absent or unreadable.
 */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const value = headers.get("retry-after")?.trim();
  if (value === undefined || value === "") return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1_000;
  // An HTTP-date always names its day and month and ends in GMT (IMF-fixdate and the two
  // obsolete forms); anything else (a negative number, "soon") is not one.
  if (!/^[A-Za-z]{3}.*GMT$/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const askedDelay = (err: unknown): number | undefined =>
  err instanceof FailedStatus && !(err instanceof InFlightStatus)
    ? retryAfterMs(err.response.headers)
    : undefined;

/**
 * The policy's backoff, never shorter than what the upstream asked for in Retry-After: a retry
 * that comes back sooner would only be refused again and add to the load it asked us to shed.
 */
class RetryAfterBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(private readonly inner: IBackoffFactory<IRetryBackoffContext<unknown>>) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const drawn = this.inner.next(context);
    const asked = "error" in context.result ? askedDelay(context.result.error) : undefined;
    return {
      duration: Math.max(drawn.duration, asked ?? 0),
      next: (later) => new RetryAfterBackoff(drawn).next(later),
    };
  }
}

/** An attempt that did not complete within the client's per-attempt timeout. */
class AttemptTimeout extends Error {
  constructor(ms: number) {
    super(`Attempt timed out after ${ms} ms`);
  }
}

/**
 * The abort signal of one attempt. undici takes an EventEmitter as a signal: it checks for `on`,
 * reads `aborted` and `reason`, listens with `once("abort")` and stops with `removeListener`
 * (undici 7, lib/core/util.js addAbortListener and lib/api/api-request.js). This is just that
 * much of an emitter, so an attempt that completes in time costs one timer and this small
 * object: no AbortController, DOMException or EventEmitter (whose listener bookkeeping showed in
 * the gateway's profile) per call.
 */
class AttemptSignal {
  aborted = false;
  reason: Error | undefined;
  private listeners: Array<() => void> = [];

  on(event: "abort", listener: () => void): this {
    if (event === "abort") this.listeners.push(listener);
    return this;
  }

  once(event: "abort", listener: () => void): this {
    return this.on(event, listener);
  }

  removeListener(event: "abort", listener: () => void): this {
    const i = event === "abort" ? this.listeners.indexOf(listener) : -1;
    if (i !== -1) this.listeners.splice(i, 1);
    return this;
  }

  abort(reason: Error): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = [];
    for (const l of listeners) l();
  }
}

/**
 * `fn` with a deadline of `ms`: at the deadline its signal is aborted (undici then drops the
 * request and its socket) and the attempt fails with AttemptTimeout at once, whether or not the
 * work reacts to the abort (what cockatiel calls an aggressive timeout). Counted by the breaker
 * and retried like any other upstream failure.
 */
function withDeadline<T>(ms: number, fn: (signal: AttemptSignal) => Promise<T>): () => Promise<T> {
  return () =>
    new Promise<T>((resolve, reject) => {
      const signal = new AttemptSignal();
      const timer = setTimeout(() => {
        const err = new AttemptTimeout(ms);
        signal.abort(err);
        reject(err);
      }, ms);
      fn(signal).then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err as Error);
        },
      );
    });
}

/**
 * Outbound HTTP with resilience as policies: a timeout per attempt (see `withDeadline`), a
 * circuit breaker (cockatiel) shared by all calls of this client (counting only upstream failures, with a half-open
 * probe), and retries with exponential backoff and jitter
 * ONLY for idempotent methods or requests carrying an Idempotency-Key. Every call sends
 * x-request-id and a W3C traceparent (child of the incoming one; with tracing on, the one of the
 * attempt's client span, written by the OpenTelemetry fetch instrumentation).
 * Errors: circuit open or network failure -> UPSTREAM_UNAVAILABLE (503); timeout ->
 * UPSTREAM_TIMEOUT (504). HTTP error statuses are returned, not thrown.
 */
export class HttpClient {
  private readonly name: string;
  private readonly once: IPolicy;
  private readonly withRetries: IPolicy;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly timeoutMs: number;
  /**
   * undici's own connection pool and `request`, the client Node's fetch is built on, without
   * fetch's WHATWG streams and Request/Response objects per call. Idle sockets are closed after
   * 4 s, below the services' keep-alive timeout, so we never reuse a socket the server is closing.
   */
  private readonly dispatcher = new Agent({ keepAliveTimeout: 4_000 });

  constructor(private readonly opts: HttpClientOptions) {
    this.name = opts.name ?? new URL(opts.baseUrl).host;
    this.timeoutMs = opts.timeoutMs ?? 2_000;
    const halfOpenAfter = opts.halfOpenAfterMs ?? 1_000;
    this.breaker = circuitBreaker(handleWhen(isFailure), {
      // Open -> half-open after the delay; a failed probe doubles it (capped).
      halfOpenAfter: new ExponentialBackoff({
        initialDelay: halfOpenAfter,
        maxDelay: Math.max(halfOpenAfter, opts.halfOpenMaxMs ?? 30_000),
      }),
      breaker: new ConsecutiveBreaker(opts.breakerThreshold ?? 5),
    });
    const breaker = this.breaker;
    const policy = checkRetryPolicy({ ...DEFAULT_HTTP_RETRY, ...opts.retry });
    const maxRetryAfter = opts.maxRetryAfterMs ?? policy.maxDelayMs;
    const retries = cockatielRetry(
      // A Retry-After longer than we will wait is the caller's to honour, not ours.
      handleWhen((err) => isTransient(err) && (askedDelay(err) ?? 0) <= maxRetryAfter),
      policy,
      Math.random,
      new RetryAfterBackoff(cockatielBackoff(policy)),
    );
    // The per-attempt deadline is inside each attempt (see `withDeadline`), under the breaker.
    this.once = breaker;
    this.withRetries = wrap(retries, breaker);
  }

  /** Closes the pooled connections (call when the app closes). */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  /** The circuit's state: "closed", "open", "half-open" (or "isolated"). */
  get circuitState(): string {
    return CIRCUIT_STATES[this.breaker.state];
  }

  async request<T = unknown>(call: CallOptions): Promise<HttpResponse<T>> {
    const method = (call.method ?? "GET").toUpperCase();
    const retryable = IDEMPOTENT_METHODS.has(method) || call.idempotencyKey !== undefined;
    // Built field by field: object spreads per call showed in the gateway's profile.
    const headers: Record<string, string> = { accept: "application/json" };
    if (call.headers !== undefined) Object.assign(headers, call.headers);
    headers["x-request-id"] = call.context?.requestId ?? randomUUID();
    // With tracing on, the fetch instrumentation writes the traceparent of its client span
    // (one per attempt); a second header here would make the pair unreadable downstream.
    if (!tracingStatus()) headers.traceparent = childTraceparent(call.context?.traceparent);
    if (call.idempotencyKey !== undefined) headers["idempotency-key"] = call.idempotencyKey;
    if (call.body !== undefined || call.json !== undefined) {
      headers["content-type"] = "application/json";
    }
    const body = call.json ?? (call.body === undefined ? undefined : JSON.stringify(call.body));
    const parse = call.responseAs !== "text";
    const url = new URL(call.path, this.opts.baseUrl);
    const origin = url.origin;
    const path = `${url.pathname}${url.search}`;
    let attempts = 0;
    const attempt = withDeadline(this.timeoutMs, async (signal: AttemptSignal) => {
      attempts++;
      // The Dispatcher's own `request`: undici's top-level `request(url)` parses the URL again
      // and copies the options for each call.
      const res = await this.dispatcher.request({
        origin,
        path,
        method: method as Dispatcher.HttpMethod,
        headers,
        signal,
        body: body ?? null,
      });
      const text = await res.body.text();
      // undici gives header names in lower case.
      const contentType = res.headers["content-type"];
      const isJson = parse && text !== "" && String(contentType ?? "").includes("json");
      const response = new UpstreamResponse(
        res.statusCode,
        res.headers,
        isJson ? (JSON.parse(text) as unknown) : text,
        attempts,
      );
      // Thrown so the policies see it (retry: 429/502/503/504; breaker: 502/503/504); returned
      // at the end. Any other status (a 500 included) is an answer: returned, and to the breaker
      // a sign that the upstream is up.
      if (RETRYABLE_STATUSES.has(res.statusCode)) throw new FailedStatus(response);
      // 409 to the retry of a keyed request: our own earlier attempt (one that timed out or lost
      // its connection here) still holds the key upstream. Come back later, as the
      // Idempotency-Key draft says, and get the stored response instead of passing a 409 about
      // ourselves to our caller. A 409 on the first attempt is another request's: returned.
      if (res.statusCode === 409 && call.idempotencyKey !== undefined && attempts > 1) {
        throw new InFlightStatus(response);
      }
      return response;
    });
    try {
      return (await (retryable ? this.withRetries : this.once).execute(attempt)) as HttpResponse<T>;
    } catch (err) {
      if (err instanceof FailedStatus)
        return err.response.withAttempts(attempts) as HttpResponse<T>;
      if (err instanceof BrokenCircuitError) {
        throw kitError("UPSTREAM_UNAVAILABLE", `Circuit open for ${this.name}`);
      }
      if (err instanceof AttemptTimeout) {
        throw kitError("UPSTREAM_TIMEOUT", `${this.name} did not answer in time`);
      }
      throw kitError(
        "UPSTREAM_UNAVAILABLE",
        `${this.name} is unreachable: ${(err as Error).message}`,
      );
    }
  }
}
