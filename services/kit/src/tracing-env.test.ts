import { describe, expect, it } from "vitest";
import { TracingConfigError, describeSampler, tracingSettings } from "./tracing-env";

describe("tracingSettings", () => {
  it.each([
    ["nothing set", {}],
    ["empty endpoint", { OTEL_EXPORTER_OTLP_ENDPOINT: "  " }],
    ["only another signal's endpoint", { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: "http://c:4318" }],
    ["SDK disabled", { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_SDK_DISABLED: "true" }],
    [
      "exporter none",
      { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_TRACES_EXPORTER: "none" },
    ],
  ])("is off with %s", (_, env) => {
    expect(tracingSettings(env)).toBeUndefined();
  });

  it("appends /v1/traces to the base endpoint and defaults to http/protobuf, parent-based sampling", () => {
    expect(
      tracingSettings({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/",
        SERVICE_NAME: "orders",
      }),
    ).toEqual({
      endpoint: "http://collector:4318/v1/traces",
      protocol: "http/protobuf",
      serviceName: "orders",
      sampler: { name: "parentbased_always_on" },
      batch: {},
    });
  });

  it("uses the traces endpoint as given, the traces protocol first, OTEL_SERVICE_NAME first", () => {
    const s = tracingSettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://ignored:4318",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://collector.example/custom/path",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/json",
      OTEL_SERVICE_NAME: "orders-eu",
      SERVICE_NAME: "orders",
      OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "0.25",
      OTEL_BSP_SCHEDULE_DELAY: "200",
      OTEL_BSP_MAX_QUEUE_SIZE: "4096",
    });
    expect(s).toEqual({
      endpoint: "https://collector.example/custom/path",
      protocol: "http/json",
      serviceName: "orders-eu",
      sampler: { name: "parentbased_traceidratio", ratio: 0.25 },
      batch: { scheduledDelayMillis: 200, maxQueueSize: 4096 },
    });
    expect(describeSampler(s!.sampler)).toBe("parentbased_traceidratio(0.25)");
  });

  it("defaults the ratio to 1 and the name to unknown_service:node", () => {
    const s = tracingSettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318",
      OTEL_TRACES_SAMPLER: "TraceIdRatio",
    });
    expect(s?.sampler).toEqual({ name: "traceidratio", ratio: 1 });
    expect(s?.serviceName).toBe("unknown_service:node");
  });

  it.each([
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" },
      'OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL (OTLP over HTTP), got "collector:4318"',
    ],
    [
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "not a url" },
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is not a URL: "not a url". Set it to the collector\'s OTLP/HTTP address, e.g. http://otel-collector:4318',
    ],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4317", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" },
      "OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported: use http/protobuf or http/json (OTLP over HTTP, port 4318)",
    ],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_TRACES_EXPORTER: "otlp,zipkin" },
      'OTEL_TRACES_EXPORTER=otlp,zipkin: only "otlp" (or "none") is supported; export to an OpenTelemetry collector instead of zipkin',
    ],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_TRACES_SAMPLER: "xray" },
      "OTEL_TRACES_SAMPLER=xray is not supported: use one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio",
    ],
    [
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318",
        OTEL_TRACES_SAMPLER: "traceidratio",
        OTEL_TRACES_SAMPLER_ARG: "1.5",
      },
      "OTEL_TRACES_SAMPLER_ARG=1.5 is not a ratio: use a number from 0 to 1 (e.g. 0.1 keeps one trace in ten)",
    ],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_BSP_SCHEDULE_DELAY: "-5" },
      "OTEL_BSP_SCHEDULE_DELAY=-5 must be a positive integer",
    ],
  ])("refuses %o", (env, message) => {
    expect(() => tracingSettings(env)).toThrow(new TracingConfigError(message));
  });
});
