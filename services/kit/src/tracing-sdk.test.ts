import { describe, expect, it } from "vitest";
import { tracingStatus } from "./tracing";
import { TracingConfigError } from "./tracing-env";
import { startTracing } from "./tracing-sdk";

const sdkModulesLoaded = () =>
  Object.keys(require.cache).filter((k) =>
    /@opentelemetry[\\/](sdk-trace|exporter-|instrumentation)/.test(k),
  );

describe("startTracing without an endpoint", () => {
  it("starts nothing and loads no SDK, exporter or instrumentation module", () => {
    expect(sdkModulesLoaded()).toEqual([]);
    expect(
      startTracing({ OTEL_SERVICE_NAME: "orders", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" }),
    ).toBeUndefined();
    expect(tracingStatus()).toBeUndefined();
    expect(sdkModulesLoaded()).toEqual([]);
  });

  it("refuses a setting it cannot honour before loading anything", () => {
    expect(() =>
      startTracing({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4317",
        OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
      }),
    ).toThrow(TracingConfigError);
    expect(sdkModulesLoaded()).toEqual([]);
  });

  it("(control) the check above sees an SDK module once one is loaded", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loads it as the SDK would
    require("@opentelemetry/sdk-trace");
    expect(sdkModulesLoaded().length).toBeGreaterThan(0);
  });
});
