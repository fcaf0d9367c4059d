import { databaseSecretName, MESSAGE_BROKER_DEFAULTS } from "@causeway/components";
import { describe, expect, it } from "vitest";
import type { ServiceConfig, ServicesConfig } from "../config";
import type { NetworkConfig } from "../config/sections/network";
import { DATA_STORES, dataStoresOf, usersOf } from "./data-stores";

const network = {
  privateSubnetCidrs: ["10.0.128.0/19", "10.0.160.0/19"],
} as unknown as NetworkConfig;

/** A service of the graph with only the data-store flags that matter here. */
const service = (flags: Partial<Pick<ServiceConfig, "database" | "broker">>) =>
  ({ database: false, broker: false, ...flags }) as ServiceConfig;

describe("the data-store table", () => {
  it("gives each store its port, Secret, egress and default env", () => {
    const rows = Object.entries(DATA_STORES).map(([flag, store]) => [
      flag,
      store.port,
      store.secret("stock-keeper"),
      store.egressCidrs(network),
      store.defaultEnv("stock-keeper"),
    ]);
    expect(rows).toEqual([
      [
        "database",
        5432,
        { name: "stock-keeper-database", key: "DATABASE_URL" },
        ["10.0.128.0/19", "10.0.160.0/19"],
        { DB_SCHEMA: "stock_keeper" },
      ],
      [
        "broker",
        5671,
        { name: "causeway-broker", key: "AMQP_URL" },
        ["10.0.128.0/19", "10.0.160.0/19"],
        {},
      ],
      [
        "cache",
        6379,
        { name: "causeway-cache", key: "RATE_LIMIT_REDIS_URL" },
        ["10.0.128.0/19", "10.0.160.0/19"],
        {},
      ],
    ]);
  });

  it("takes Secret names from the components that write the Secrets", () => {
    expect(DATA_STORES.database.secret("a").name).toBe(databaseSecretName("a"));
    expect(DATA_STORES.broker.secret("a").name).toBe(MESSAGE_BROKER_DEFAULTS.connectionSecretName);
  });

  it.each<[string, Partial<ServiceConfig>, string[]]>([
    ["none", {}, []],
    ["the database", { database: true }, ["database"]],
    ["the broker", { broker: true }, ["broker"]],
    ["both, in table order", { broker: true, database: true }, ["database", "broker"]],
  ])("a service flagging %s uses exactly those stores", (_, flags, expected) => {
    expect(dataStoresOf(service(flags)).map(([flag]) => flag)).toEqual(expected);
  });

  it("lists a store's users sorted, whatever the graph's key order", () => {
    const services = {
      zeta: service({ database: true }),
      alpha: service({ database: true, broker: true }),
      mid: service({ broker: true }),
      none: service({}),
    } as ServicesConfig;
    expect(usersOf(services, "database")).toEqual(["alpha", "zeta"]);
    expect(usersOf(services, "broker")).toEqual(["alpha", "mid"]);
  });
});
