/**
 * `import "@causeway/kit/tracing"` as the FIRST import of a service's main.ts: starts the
 * OpenTelemetry SDK from the standard OTEL_* variables before `http`, `pg` and `undici` are
 * loaded, so they can be instrumented. With no OTLP endpoint set it loads nothing else and does
 * nothing. A setting it cannot honour stops the process with a message naming the variable.
 */
import { TracingConfigError } from "./tracing-env";
import { startTracing } from "./tracing-sdk";

try {
  startTracing();
} catch (err) {
  if (!(err instanceof TracingConfigError)) throw err;
  console.error(`Cannot start tracing: ${err.message}`);
  process.exit(1);
}
