import {
  CACHE_DEFAULTS,
  DATABASE_SECRET_KEY,
  databaseSecretName,
  MESSAGE_BROKER_DEFAULTS,
  Ports,
} from "@causeway/components";
import type { ServiceConfig, ServicesConfig } from "../config";
import type { NetworkConfig } from "../config/sections/network";

/** The service flags (`causeway:services.<name>.<flag>: true`) that attach a data store. */
export type DataStoreFlag = {
  [K in keyof ServiceConfig]-?: ServiceConfig[K] extends boolean ? K : never;
}[keyof ServiceConfig];

/** The Secret that holds one service's connection URL; its key is also the env var name. */
export interface DataStoreSecret {
  readonly name: string;
  readonly key: string;
}

/** What a service that uses a data store gets: its Secret, its egress and its port. */
export interface DataStore {
  /** The port the services connect to: NetworkPolicy egress, and Envoy lets it bypass. */
  readonly port: number;
  /** The Secret of a service's connection URL (names owned by the store's component). */
  readonly secret: (service: string) => DataStoreSecret;
  /** Where the store runs, for the services' NetworkPolicy egress. */
  readonly egressCidrs: (network: NetworkConfig) => string[];
  /** Plain env the services get unless they set it themselves. */
  readonly defaultEnv: (service: string) => Readonly<Record<string, string>>;
}

/**
 * The data stores of the platform, by the service flag that turns each on, in the order the
 * services' Secret env, egress and Envoy exclusions list them. A new data store is one entry
 * here, its flag in the services section, and its component in ./data.
 */
export const DATA_STORES: Readonly<Record<DataStoreFlag, DataStore>> = {
  database: {
    port: Ports.postgres,
    secret: (service) => ({ name: databaseSecretName(service), key: DATABASE_SECRET_KEY }),
    egressCidrs: (network) => [...network.privateSubnetCidrs],
    // The kit keeps each service's tables in its own schema (services/kit DB_SCHEMA).
    defaultEnv: (service) => ({ DB_SCHEMA: service.replace(/-/g, "_") }),
  },
  broker: {
    port: Ports.amqps,
    secret: () => ({
      name: MESSAGE_BROKER_DEFAULTS.connectionSecretName,
      key: MESSAGE_BROKER_DEFAULTS.connectionSecretKey,
    }),
    egressCidrs: (network) => [...network.privateSubnetCidrs],
    defaultEnv: () => ({}),
  },
  cache: {
    port: CACHE_DEFAULTS.port,
    secret: () => ({
      name: CACHE_DEFAULTS.connectionSecretName,
      key: CACHE_DEFAULTS.connectionSecretKey,
    }),
    egressCidrs: (network) => [...network.privateSubnetCidrs],
    defaultEnv: () => ({}),
  },
};

/** The data stores a service uses, as [flag, store] in table order. */
export function dataStoresOf(service: ServiceConfig): [DataStoreFlag, DataStore][] {
  return (Object.entries(DATA_STORES) as [DataStoreFlag, DataStore][]).filter(
    ([flag]) => service[flag],
  );
}

/** The services of the graph that use a data store, sorted. */
export function usersOf(services: ServicesConfig, flag: DataStoreFlag): string[] {
  return Object.keys(services)
    .filter((name) => services[name]![flag])
    .sort();
}
