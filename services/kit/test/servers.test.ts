import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { serverAddress } from "./servers";

describe("where the fault proxies forward", () => {
  it("takes host and port from the server URL, with the scheme's port as the default", () => {
    expect(serverAddress("amqp://guest:guest@10.1.2.3:5673", 5672)).toEqual({
      targetHost: "10.1.2.3",
      targetPort: 5673,
    });
    expect(serverAddress("amqp://guest:guest@broker.internal", 5672)).toEqual({
      targetHost: "broker.internal",
      targetPort: 5672,
    });
    expect(serverAddress("postgres://u@[::1]:6543/test", 5432)).toEqual({
      targetHost: "::1",
      targetPort: 6543,
    });
  });

  it("no test builds a proxy to a hard-coded broker or database port", () => {
    const root = join(__dirname, "..", "..");
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.name === "node_modules" || entry.name === "dist") continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.ts$/.test(entry.name)) {
          const text = readFileSync(path, "utf8");
          // A TcpProxy aimed at 5672/5432 ignores KIT_TEST_AMQP_URL / KIT_TEST_DATABASE_URL.
          if (/new TcpProxy\(\{[^}]*targetPort:\s*(5672|5432)/s.test(text)) {
            offenders.push(relative(root, path));
          }
        }
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });
});
