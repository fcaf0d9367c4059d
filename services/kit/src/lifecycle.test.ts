import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { waitFor } from "../test/helpers";
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
      // Wide enough for two local requests on a loaded machine: they must land in the drain.
      drainDelayMs: 1_000,
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
    // The request ends only once step 3 has begun, so the sequence must wait for it.
    const loggedSteps = () =>
      lines.map((l) => JSON.parse(l) as { step?: number }).flatMap((l) => (l.step ? [l.step] : []));
    await waitFor("shutdown step 3", () => loggedSteps().includes(3));
    expect(steps).not.toContain("connections closed");
    finishRequest();
    expect(await inFlight).toBe(200);
    expect(await exitCode).toBe(0);
    await done;
    expect(steps.indexOf("consumers stopped")).toBeLessThan(steps.indexOf("connections closed"));
    expect(steps.indexOf("request finished")).toBeLessThan(steps.indexOf("connections closed"));
    expect(steps.at(-2)).toBe("connections closed");
    expect(steps.at(-1)).toBe("exit 0");
    expect(loggedSteps()).toEqual([1, 2, 3, 4, 5]);
  });
});
