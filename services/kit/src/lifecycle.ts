import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { shutdownTracing, tracingStatus } from "./tracing";

export interface StartServiceOptions {
  /** From `buildApp`; its `kit.readiness` is turned not-ready on shutdown. */
  readonly app: FastifyInstance;
  readonly host: string;
  readonly port: number;
  /** Step 2: time for load balancers and Kubernetes endpoints to stop routing to us. */
  readonly drainDelayMs: number;
  /** If shutdown takes longer, exit(1). Keep it below terminationGracePeriodSeconds. */
  readonly shutdownTimeoutMs: number;
  readonly logger: Logger;
  /** Steps 3-4: stop taking work and finish what is in flight (consumers, outbox relay). */
  readonly stopWork?: ReadonlyArray<() => Promise<void>>;
  /** Step 5: close broker and database connections. Run after steps 3-4 complete. */
  readonly closeConnections?: ReadonlyArray<() => Promise<void>>;
  /** Default `process.exit`. */
  readonly exit?: (code: number) => void;
  /** Default SIGTERM and SIGINT. */
  readonly signals?: readonly NodeJS.Signals[];
}

export interface RunningService {
  /** "http://host:port" actually bound (port 0 resolves to the real port). */
  readonly address: string;
  /** The shutdown sequence; signals call it. Idempotent. */
  shutdown(reason: string): Promise<void>;
}

/**
 * Listens, and on SIGTERM runs, in order:
 *   1. turn not-ready (/readyz -> 503);
 *   2. wait drainDelayMs (requests keep being served normally);
 *   3. stop accepting: close the listener, stop consumers and the relay;
 *   4. wait for in-flight requests and message handlers to finish;
 *   5. close broker and database connections, flush the spans still buffered; exit(0).
 * A shutdown slower than shutdownTimeoutMs exits with 1.
 */
export async function startService(opts: StartServiceOptions): Promise<RunningService> {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const log = opts.logger;
  let shuttingDown: Promise<void> | undefined;

  const sequence = async (reason: string) => {
    const guard = setTimeout(() => {
      log.error({ timeoutMs: opts.shutdownTimeoutMs }, "shutdown timed out; exiting");
      exit(1);
    }, opts.shutdownTimeoutMs);
    guard.unref();
    try {
      log.info({ reason, step: 1 }, "shutdown: not ready");
      opts.app.kit.readiness.startDraining();
      log.info({ step: 2, drainDelayMs: opts.drainDelayMs }, "shutdown: draining");
      await new Promise((r) => setTimeout(r, opts.drainDelayMs));
      log.info({ step: 3 }, "shutdown: stop accepting work");
      const stopping = [opts.app.close(), ...(opts.stopWork ?? []).map((stop) => stop())];
      await Promise.all(stopping);
      log.info({ step: 4 }, "shutdown: in-flight work finished");
      await Promise.all((opts.closeConnections ?? []).map((close) => close()));
      // Last: the spans of the work just finished are flushed to the collector.
      await shutdownTracing();
      log.info({ step: 5 }, "shutdown: connections closed; exiting");
      clearTimeout(guard);
      exit(0);
    } catch (err) {
      log.error({ err }, "shutdown failed; exiting");
      clearTimeout(guard);
      exit(1);
    }
  };

  const shutdown = (reason: string) => (shuttingDown ??= sequence(reason));
  for (const signal of opts.signals ?? ["SIGTERM", "SIGINT"]) {
    process.once(signal, () => void shutdown(signal));
  }
  const address = await opts.app.listen({ host: opts.host, port: opts.port });
  log.info({ address, tracing: tracingStatus() ?? "off" }, "listening");
  return { address, shutdown };
}
