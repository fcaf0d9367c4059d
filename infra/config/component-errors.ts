import { ComponentArgsError } from "@causeway/components";
import { ConfigError, type ConfigIssue } from "./errors";
import { brokerSchema } from "./sections/broker";
import { consulSchema } from "./sections/consul";
import { databaseSchema } from "./sections/database";
import { edgeSchema } from "./sections/edge";
import { serviceSchema } from "./sections/services";

/**
 * Where each component's arguments come from in the config: the key whose value the program
 * passes to it (`<name>` is the component's resource name), and the fields of that key.
 */
const SOURCES: Record<string, { key: (name: string) => string; fields: readonly string[] }> = {
  NodeService: { key: (n) => `causeway:services.${n}`, fields: Object.keys(serviceSchema.shape) },
  ServiceImage: { key: (n) => `causeway:services.${n}.image`, fields: [] },
  ServiceMesh: { key: () => "causeway:services", fields: [] },
  Database: { key: () => "causeway:database", fields: Object.keys(databaseSchema.shape) },
  MessageBroker: { key: () => "causeway:broker", fields: Object.keys(brokerSchema.shape) },
  ConsulCluster: { key: () => "causeway:consul", fields: Object.keys(consulSchema.shape) },
  PublicLoadBalancer: { key: () => "causeway:edge", fields: Object.keys(edgeSchema.shape) },
  LoadBalancerController: { key: () => "causeway:edge.controller", fields: ["chartVersion"] },
};

/**
 * A component's argument error, raised because of a config value, as a ConfigError that names
 * the config key (and field, where the argument has the config field's name). Any other error
 * is returned as is.
 */
export function asConfigError(e: unknown, stack?: string): unknown {
  if (!(e instanceof ComponentArgsError)) return e;
  const head = /^(\w+) "([^"]+)":/.exec(e.message);
  const source = head ? SOURCES[head[1]!] : undefined;
  if (!head || !source) return e;
  const [, type, name] = head;
  const issues: ConfigIssue[] = e.problems.map((problem) => {
    const arg = /^([A-Za-z][\w.[\]-]*): (.*)$/s.exec(problem);
    const field = arg?.[1]?.split(/[.[]/)[0];
    const known = field !== undefined && source.fields.includes(field);
    return {
      path: known ? `${source.key(name!)}.${arg![1]}` : source.key(name!),
      message: `${known ? arg![2] : problem} (refused by the ${type} component "${name}" before anything was created)`,
    };
  });
  return new ConfigError(issues, stack);
}
