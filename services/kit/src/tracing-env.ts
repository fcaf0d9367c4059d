/**
 * The standard OpenTelemetry environment variables the services honour, read into one checked
 * settings object. Pure: no SDK is loaded here.
 * Names and defaults: https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
 * and https://opentelemetry.io/docs/specs/otel/protocol/exporter/ (OTLP exporter).
 */

export type TracingEnv = Readonly<Record<string, string | undefined>>;

export const OTLP_PROTOCOLS = ["http/protobuf", "http/json"] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

export const SAMPLERS = [
  "always_on",
  "always_off",
  "traceidratio",
  "parentbased_always_on",
  "parentbased_always_off",
  "parentbased_traceidratio",
] as const;
export type SamplerName = (typeof SAMPLERS)[number];

export interface SamplerSettings {
  readonly name: SamplerName;
  /** The ratio of `traceidratio` samplers (OTEL_TRACES_SAMPLER_ARG, default 1). */
  readonly ratio?: number;
}

export interface TracingSettings {
  /** Where spans are posted: the traces endpoint as given, or the base endpoint + /v1/traces. */
  readonly endpoint: string;
  readonly protocol: OtlpProtocol;
  /** OTEL_SERVICE_NAME, else the kit's SERVICE_NAME, else "unknown_service:node". */
  readonly serviceName: string;
  readonly sampler: SamplerSettings;
  /** The batch span processor's OTEL_BSP_* settings that are set (unset: the SDK's defaults). */
  readonly batch: BatchSettings;
}

export interface BatchSettings {
  /** OTEL_BSP_SCHEDULE_DELAY, ms (SDK default 5000). */
  readonly scheduledDelayMillis?: number;
  /** OTEL_BSP_EXPORT_TIMEOUT, ms (SDK default 30000). */
  readonly exportTimeoutMillis?: number;
  /** OTEL_BSP_MAX_QUEUE_SIZE (SDK default 2048): spans beyond it are dropped. */
  readonly maxQueueSize?: number;
  /** OTEL_BSP_MAX_EXPORT_BATCH_SIZE (SDK default 512). */
  readonly maxExportBatchSize?: number;
}

/** A setting the SDK cannot run with; the message names the variable and the fix. */
export class TracingConfigError extends Error {
  override readonly name = "TracingConfigError";
}

const value = (env: TracingEnv, key: string): string | undefined => {
  const v = env[key]?.trim();
  return v === undefined || v === "" ? undefined : v;
};

function checkUrl(key: string, url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TracingConfigError(
      `${key} is not a URL: "${url}". Set it to the collector's OTLP/HTTP address, e.g. http://otel-collector:4318`,
    );
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TracingConfigError(
      `${key} must be an http:// or https:// URL (OTLP over HTTP), got "${url}"`,
    );
  }
}

/**
 * The tracing settings, or undefined when tracing is off: no endpoint
 * (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT unset or empty),
 * OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none. Throws `TracingConfigError` for values
 * this build cannot honour (grpc, another exporter, an unknown sampler, a bad ratio).
 */
export function tracingSettings(env: TracingEnv): TracingSettings | undefined {
  if (value(env, "OTEL_SDK_DISABLED")?.toLowerCase() === "true") return undefined;
  const exporters = (value(env, "OTEL_TRACES_EXPORTER") ?? "otlp")
    .split(",")
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== "");
  if (exporters.includes("none")) return undefined;
  const unsupported = exporters.filter((e) => e !== "otlp");
  if (unsupported.length > 0) {
    throw new TracingConfigError(
      `OTEL_TRACES_EXPORTER=${env.OTEL_TRACES_EXPORTER}: only "otlp" (or "none") is supported; export to an OpenTelemetry collector instead of ${unsupported.join(", ")}`,
    );
  }

  const tracesEndpoint = value(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  const baseEndpoint = value(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
  let endpoint: string;
  if (tracesEndpoint !== undefined) {
    checkUrl("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", tracesEndpoint);
    endpoint = tracesEndpoint;
  } else if (baseEndpoint !== undefined) {
    checkUrl("OTEL_EXPORTER_OTLP_ENDPOINT", baseEndpoint);
    endpoint = `${baseEndpoint.replace(/\/+$/, "")}/v1/traces`;
  } else {
    return undefined;
  }

  const protocolKey = value(env, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
    ? "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"
    : "OTEL_EXPORTER_OTLP_PROTOCOL";
  const protocol = value(env, protocolKey) ?? "http/protobuf";
  if (!(OTLP_PROTOCOLS as readonly string[]).includes(protocol)) {
    throw new TracingConfigError(
      `${protocolKey}=${protocol} is not supported: use ${OTLP_PROTOCOLS.join(" or ")} (OTLP over HTTP, port 4318)`,
    );
  }

  return {
    endpoint,
    protocol: protocol as OtlpProtocol,
    serviceName:
      value(env, "OTEL_SERVICE_NAME") ?? value(env, "SERVICE_NAME") ?? "unknown_service:node",
    sampler: samplerSettings(env),
    batch: batchSettings(env),
  };
}

const BSP = {
  scheduledDelayMillis: "OTEL_BSP_SCHEDULE_DELAY",
  exportTimeoutMillis: "OTEL_BSP_EXPORT_TIMEOUT",
  maxQueueSize: "OTEL_BSP_MAX_QUEUE_SIZE",
  maxExportBatchSize: "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
} as const satisfies Record<keyof BatchSettings, string>;

/** The OTEL_BSP_* variables that are set; each must be a positive integer. */
export function batchSettings(env: TracingEnv): BatchSettings {
  const out: Record<string, number> = {};
  for (const [field, key] of Object.entries(BSP)) {
    const raw = value(env, key);
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) {
      throw new TracingConfigError(`${key}=${raw} must be a positive integer`);
    }
    out[field] = n;
  }
  return out as BatchSettings;
}

/** OTEL_TRACES_SAMPLER (default parentbased_always_on) and OTEL_TRACES_SAMPLER_ARG. */
export function samplerSettings(env: TracingEnv): SamplerSettings {
  const name = (value(env, "OTEL_TRACES_SAMPLER") ?? "parentbased_always_on").toLowerCase();
  if (!(SAMPLERS as readonly string[]).includes(name)) {
    throw new TracingConfigError(
      `OTEL_TRACES_SAMPLER=${env.OTEL_TRACES_SAMPLER} is not supported: use one of ${SAMPLERS.join(", ")}`,
    );
  }
  if (!name.endsWith("traceidratio")) return { name: name as SamplerName };
  const arg = value(env, "OTEL_TRACES_SAMPLER_ARG");
  const ratio = arg === undefined ? 1 : Number(arg);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new TracingConfigError(
      `OTEL_TRACES_SAMPLER_ARG=${arg} is not a ratio: use a number from 0 to 1 (e.g. 0.1 keeps one trace in ten)`,
    );
  }
  return { name: name as SamplerName, ratio };
}

/** e.g. "parentbased_traceidratio(0.1)", for the start-up log. */
export function describeSampler(s: SamplerSettings): string {
  return s.ratio === undefined ? s.name : `${s.name}(${s.ratio})`;
}
