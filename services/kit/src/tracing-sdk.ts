/* eslint-disable @typescript-eslint/no-require-imports -- the SDK is loaded with require() only
   when an endpoint is set, so a service without one loads nothing but the no-op API. */
import type { IncomingMessage } from "node:http";
import {
  DiagConsoleLogger,
  DiagLogLevel,
  context,
  diag,
  propagation,
  trace,
} from "@opentelemetry/api";
import type * as AsyncHooksContext from "@opentelemetry/context-async-hooks";
import type * as Core from "@opentelemetry/core";
import type * as OtlpHttp from "@opentelemetry/exporter-trace-otlp-http";
import type * as OtlpProto from "@opentelemetry/exporter-trace-otlp-proto";
import type * as Instrumentation from "@opentelemetry/instrumentation";
import type * as InstrumentationHttp from "@opentelemetry/instrumentation-http";
import type * as InstrumentationPg from "@opentelemetry/instrumentation-pg";
import type * as InstrumentationUndici from "@opentelemetry/instrumentation-undici";
import type * as Resources from "@opentelemetry/resources";
import type * as SdkTrace from "@opentelemetry/sdk-trace";
import { registerTracing, tracingStatus } from "./tracing";
import type { TracingStatus } from "./tracing";
import type { SamplerSettings, TracingEnv } from "./tracing-env";
import { describeSampler, tracingSettings } from "./tracing-env";

/** Paths whose requests get no span: probes and scrapes would drown the traces. */
export const UNTRACED_PATHS: ReadonlySet<string> = new Set(["/livez", "/readyz", "/metrics"]);

const DIAG_LEVELS: Readonly<Record<string, DiagLogLevel>> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

function sampler(sdk: typeof SdkTrace, s: SamplerSettings): SdkTrace.Sampler {
  const ratio = () => new sdk.TraceIdRatioBasedSampler(s.ratio ?? 1);
  switch (s.name) {
    case "always_on":
      return new sdk.AlwaysOnSampler();
    case "always_off":
      return new sdk.AlwaysOffSampler();
    case "traceidratio":
      return ratio();
    case "parentbased_always_on":
      return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() });
    case "parentbased_always_off":
      return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new sdk.ParentBasedSampler({ root: ratio() });
  }
}

/** The query's values replaced (names kept): they may carry ids a log would not show either. */
function redactedQuery(url: string | undefined): string | undefined {
  const at = url?.indexOf("?") ?? -1;
  if (!url || at < 0) return undefined;
  const params = new URLSearchParams(url.slice(at + 1));
  return [...params.keys()].map((k) => `${encodeURIComponent(k)}=REDACTED`).join("&");
}

/**
 * Starts the OpenTelemetry SDK from the standard environment variables (see `tracing-env.ts`),
 * or does nothing and returns undefined when no OTLP endpoint is set. Call it before anything
 * loads `http`, `pg` or `undici` (the `@causeway/kit/tracing` entry does, as the first import
 * of each service's main.ts). Spans: HTTP server and client (node:http and fetch), pg queries
 * inside a traced request or message, and the kit's broker hops (`tracing.ts`).
 * Nothing secret becomes an attribute: no request or response headers are recorded, query values
 * are redacted, SQL is recorded with its $n placeholders and never its parameters, and pg spans
 * carry the database, host and port only.
 */
export function startTracing(env: TracingEnv = process.env): TracingStatus | undefined {
  const running = tracingStatus();
  if (running) return running;
  const settings = tracingSettings(env);
  if (!settings) return undefined;

  const sdk = require("@opentelemetry/sdk-trace") as typeof SdkTrace;
  const resources = require("@opentelemetry/resources") as typeof Resources;
  const core = require("@opentelemetry/core") as typeof Core;
  const { AsyncLocalStorageContextManager } =
    require("@opentelemetry/context-async-hooks") as typeof AsyncHooksContext;
  const { registerInstrumentations } =
    require("@opentelemetry/instrumentation") as typeof Instrumentation;
  const { HttpInstrumentation } =
    require("@opentelemetry/instrumentation-http") as typeof InstrumentationHttp;
  const { UndiciInstrumentation } =
    require("@opentelemetry/instrumentation-undici") as typeof InstrumentationUndici;
  const { PgInstrumentation } =
    require("@opentelemetry/instrumentation-pg") as typeof InstrumentationPg;

  const diagLevel = DIAG_LEVELS[(env.OTEL_LOG_LEVEL ?? "warn").trim().toLowerCase()];
  diag.setLogger(new DiagConsoleLogger(), diagLevel ?? DiagLogLevel.WARN);

  // The exporter reads OTEL_EXPORTER_OTLP_(TRACES_)HEADERS, _TIMEOUT, _COMPRESSION and the
  // certificate variables itself; the URL is passed so that what is logged is what is used.
  const exporter =
    settings.protocol === "http/json"
      ? new (
          require("@opentelemetry/exporter-trace-otlp-http") as typeof OtlpHttp
        ).OTLPTraceExporter({ url: settings.endpoint })
      : new (
          require("@opentelemetry/exporter-trace-otlp-proto") as typeof OtlpProto
        ).OTLPTraceExporter({ url: settings.endpoint });

  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (envDetector) win over the kit's defaults.
  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ "service.name": settings.serviceName }))
    .merge(resources.detectResources({ detectors: [resources.hostDetector] }))
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));

  const provider = new sdk.TracerProvider({
    resource,
    sampler: sampler(sdk, settings.sampler),
    spanProcessors: [new sdk.BatchSpanProcessor({ exporter, ...settings.batch })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new core.CompositePropagator({
      propagators: [new core.W3CTraceContextPropagator(), new core.W3CBaggagePropagator()],
    }),
  );
  trace.setGlobalTracerProvider(provider);
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req: IncomingMessage) =>
          UNTRACED_PATHS.has((req.url ?? "/").split("?")[0]!),
        startIncomingSpanHook: (req: IncomingMessage) => {
          const query = redactedQuery(req.url);
          return query === undefined ? {} : { "url.query": query };
        },
      }),
      new UndiciInstrumentation(),
      // Only inside a traced request or message: the relay's and the jobs' polling stay out.
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
    ],
  });

  const status: TracingStatus = {
    serviceName: settings.serviceName,
    endpoint: settings.endpoint,
    protocol: settings.protocol,
    sampler: describeSampler(settings.sampler),
  };
  registerTracing(status, () => provider.shutdown());
  return status;
}
