import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { buildApp } from "./http/app";
import { startService } from "./lifecycle";
import { createLogger } from "./logger";

describe("startService shutdown sequence", () => {
  it("goes not-ready, drains, stops work and waits for it, closes connections, then exits 0", async () => {
    const steps: string[] = [];
    const lines: string[] = [];
    const logger = createLogger({
      name: "t",
      destination: new Writable({
        write(chunk: Buffer, _e, cb) {
          lines.push(chunk.toString());
          cb();
        },
      }),
    });
    const app = buildApp({ serviceName: "t", logger });
    let finishRequest: () => void = () => undefined;
    let requestStarted: () => void = () => undefined;
    const started = new Promise<void>((r) => (requestStarted = r));
    app.get("/slow", async () => {
      requestStarted();
      await new Promise<void>((r) => (finishRequest = r));
      steps.push("request finished");
      return { ok: true };
    });
    let exited: (code: number) => void = () => undefined;
    const exitCode = new Promise<number>((r) => (exited = r));
    const svc = await startService({
      app,
      host: "127.0.0.1",
      port: 0,
      drainDelayMs: 50,
      shutdownTimeoutMs: 10_000,
      logger,
      signals: [],
      stopWork: [
        async () => {
          steps.push("consumers stopping");
          await new Promise((r) => setTimeout(r, 20));
          steps.push("consumers stopped");
        },
      ],
      closeConnections: [async () => void steps.push("connections closed")],
      exit: (code) => {
        steps.push(`exit ${code}`);
        exited(code);
      },
    });

    const inFlight = fetch(`${svc.address}/slow`).then((r) => r.status);
    await started;
    const done = svc.shutdown("test");
    expect(svc.shutdown("again")).toBe(done);
    const ready = await fetch(`${svc.address}/readyz`);
    expect(ready.status).toBe(503);
    // Still serving during the drain delay.
    expect((await fetch(`${svc.address}/livez`)).status).toBe(200);
    setTimeout(() => finishRequest(), 100);
    expect(await inFlight).toBe(200);
    expect(await exitCode).toBe(0);
    await done;
    expect(steps.indexOf("consumers stopped")).toBeLessThan(steps.indexOf("connections closed"));
    expect(steps.indexOf("request finished")).toBeLessThan(steps.indexOf("connections closed"));
    expect(steps.at(-2)).toBe("connections closed");
    expect(steps.at(-1)).toBe("exit 0");
    const logged = lines
      .map((l) => JSON.parse(l) as { step?: number })
      .flatMap((l) => (l.step ? [l.step] : []));
    expect(logged).toEqual([1, 2, 3, 4, 5]);
  });
});
