import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, baseEnvSchema, loadConfig } from "./config";
import { quoteSchema } from "./db/identifiers";
import { DEFAULT_CONSUMER_RETRY, DEFAULT_DELIVERY_LIMIT } from "./messaging/consumer-defaults";

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

describe("consumer retry variables", () => {
  it("default to the kit's consumer retry policy and delivery limit", () => {
    const cfg = loadConfig(baseEnvSchema, valid);
    expect(cfg).toMatchObject({
      CONSUMER_RETRY_MAX_ATTEMPTS: DEFAULT_CONSUMER_RETRY.maxAttempts,
      CONSUMER_RETRY_BASE_DELAY_MS: DEFAULT_CONSUMER_RETRY.baseDelayMs,
      CONSUMER_RETRY_MAX_DELAY_MS: DEFAULT_CONSUMER_RETRY.maxDelayMs,
      CONSUMER_RETRY_JITTER: DEFAULT_CONSUMER_RETRY.jitter,
      CONSUMER_DELIVERY_LIMIT: DEFAULT_DELIVERY_LIMIT,
    });
    expect([DEFAULT_CONSUMER_RETRY, DEFAULT_DELIVERY_LIMIT]).toEqual([
      { maxAttempts: 12, baseDelayMs: 1_000, maxDelayMs: 60_000, jitter: "equal" },
      10,
    ]);
  });

  it("are parsed and range-checked, each error naming the variable and the valid range", () => {
    const cfg = loadConfig(baseEnvSchema, {
      ...valid,
      CONSUMER_RETRY_MAX_ATTEMPTS: "8",
      CONSUMER_RETRY_BASE_DELAY_MS: "2000",
      CONSUMER_RETRY_MAX_DELAY_MS: "30000",
      CONSUMER_RETRY_JITTER: "full",
      CONSUMER_DELIVERY_LIMIT: "20",
    });
    expect(cfg).toMatchObject({
      CONSUMER_RETRY_MAX_ATTEMPTS: 8,
      CONSUMER_RETRY_BASE_DELAY_MS: 2_000,
      CONSUMER_RETRY_MAX_DELAY_MS: 30_000,
      CONSUMER_RETRY_JITTER: "full",
      CONSUMER_DELIVERY_LIMIT: 20,
    });
    const bad = {
      CONSUMER_RETRY_MAX_ATTEMPTS: "0",
      CONSUMER_RETRY_BASE_DELAY_MS: "1.5",
      CONSUMER_RETRY_MAX_DELAY_MS: "soon",
      CONSUMER_RETRY_JITTER: "none",
      CONSUMER_DELIVERY_LIMIT: "1001",
    };
    expect(() => loadConfig(baseEnvSchema, { ...valid, ...bad })).toThrow(
      new ConfigError([
        "CONSUMER_DELIVERY_LIMIT: must be an integer from 1 to 1000",
        "CONSUMER_RETRY_BASE_DELAY_MS: must be an integer from 1 to 3600000",
        "CONSUMER_RETRY_JITTER: must be one of full, equal",
        "CONSUMER_RETRY_MAX_ATTEMPTS: must be an integer from 1 to 20",
        "CONSUMER_RETRY_MAX_DELAY_MS: must be an integer from 1 to 86400000",
      ]),
    );
  });
});

describe("quoteSchema", () => {
  it("quotes valid names and rejects injection", () => {
    expect(quoteSchema("orders_v2")).toBe('"orders_v2"');
    expect(() => quoteSchema('x"; drop table y; --')).toThrow(/Invalid schema name/);
  });
});
