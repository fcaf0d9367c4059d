import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, baseEnvSchema, loadConfig } from "./config";
import { quoteSchema } from "./db/identifiers";

const valid = {
  SERVICE_NAME: "orders",
  DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test",
  DB_SCHEMA: "orders",
  AMQP_URL: "amqps://user:pw@broker.example:5671",
};

describe("loadConfig", () => {
  it("applies defaults and coerces numbers", () => {
    const cfg = loadConfig(baseEnvSchema, { ...valid, PORT: "3000" });
    expect(cfg).toMatchObject({ PORT: 3000, HOST: "0.0.0.0", DRAIN_DELAY_MS: 5000 });
    expect(cfg.EVENTS_EXCHANGE).toBe("causeway.events");
  });

  it("lists every missing or invalid variable in one error", () => {
    let caught: unknown;
    try {
      loadConfig(baseEnvSchema, { AMQP_URL: "http://x", PORT: "99999", DB_SCHEMA: "Bad-Name" });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toEqual([
      "AMQP_URL: must be a URL with scheme amqp or amqps",
      "DATABASE_URL: is required",
      "DB_SCHEMA: must match /^[a-z_][a-z0-9_]{0,62}$/",
      "PORT: Too big: expected number to be <=65535",
      "SERVICE_NAME: is required",
    ]);
    expect((caught as Error).message).toMatch(/^Invalid configuration \(5\):\n {2}- AMQP_URL/);
  });

  it("accepts service extensions", () => {
    const schema = baseEnvSchema.extend({ PAYMENTS_URL: z.url() });
    expect(() => loadConfig(schema, valid)).toThrow("PAYMENTS_URL: is required");
  });
});

describe("quoteSchema", () => {
  it("quotes valid names and rejects injection", () => {
    expect(quoteSchema("orders_v2")).toBe('"orders_v2"');
    expect(() => quoteSchema('x"; drop table y; --')).toThrow(/Invalid schema name/);
  });
});
