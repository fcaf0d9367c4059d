import type { PlannedResource } from "./model";
import { pathCovers, type PropertyChange } from "./diff-values";

/** A resource whose deletion or replacement loses data or breaks clients. */
export interface StatefulKind {
  readonly type: string;
  /** What it is, for the danger flag's text. */
  readonly label: string;
  /** What is lost when it is deleted or replaced. */
  readonly loss: string;
  /** Narrows the type (e.g. only the Consul Helm release). Default: every resource of the type. */
  readonly matches?: (r: PlannedResource) => boolean;
}

/** True for the Consul Helm release / chart / server StatefulSet. */
export function isConsul(r: PlannedResource): boolean {
  const chart = r.inputs["chart"];
  const name = (r.inputs["metadata"] as { name?: unknown } | undefined)?.name;
  return [chart, r.inputs["name"], name, r.name].some(
    (v) => typeof v === "string" && /consul/i.test(v),
  );
}

/** The stateful resources of the blueprint. */
export const statefulKinds: readonly StatefulKind[] = [
  {
    type: "aws:mq/broker:Broker",
    label: "RabbitMQ broker",
    loss: "queued messages, the broker endpoint and its users",
  },
  {
    type: "aws:rds/instance:Instance",
    label: "PostgreSQL database",
    loss: "the data, unless restored from a snapshot, and the endpoint",
  },
  {
    type: "aws:rds/cluster:Cluster",
    label: "database cluster",
    loss: "the data, unless restored from a snapshot, and the endpoint",
  },
  {
    type: "aws:lb/loadBalancer:LoadBalancer",
    label: "load balancer",
    loss: "its DNS name (clients and DNS records pointing at it break)",
  },
  {
    type: "kubernetes:helm.sh/v3:Release",
    label: "Consul release",
    loss: "the Consul servers' Raft state: the catalog, ACL tokens, intentions and the CA",
    matches: isConsul,
  },
  {
    type: "kubernetes:helm.sh/v4:Chart",
    label: "Consul chart",
    loss: "the Consul servers' Raft state: the catalog, ACL tokens, intentions and the CA",
    matches: isConsul,
  },
  {
    type: "kubernetes:apps/v1:StatefulSet",
    label: "Consul server StatefulSet",
    loss: "the Consul servers' persistent volumes",
    matches: isConsul,
  },
  {
    type: "kubernetes:core/v1:PersistentVolumeClaim",
    label: "persistent volume claim",
    loss: "the volume's data",
  },
];

/**
 * Updates that recreate stateful storage although the resource itself is only updated: the
 * Consul chart's server storage values feed the server StatefulSet's volumeClaimTemplates,
 * which Kubernetes does not let an update change.
 * Source: https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#limitations
 */
export const storageChangePaths: readonly {
  readonly kind: StatefulKind;
  readonly property: string;
}[] = [
  { kind: statefulKinds[4]!, property: "values.server.storage" },
  { kind: statefulKinds[4]!, property: "values.server.storageClass" },
  { kind: statefulKinds[5]!, property: "values.server.storage" },
  { kind: statefulKinds[5]!, property: "values.server.storageClass" },
];

export function statefulKindOf(r: PlannedResource): StatefulKind | undefined {
  return statefulKinds.find((k) => k.type === r.type && (k.matches?.(r) ?? true));
}

/** The storage-changing paths among an update's property changes. */
export function storageChanges(
  r: PlannedResource,
  changes: readonly PropertyChange[],
): PropertyChange[] {
  const rules = storageChangePaths.filter(
    (p) => p.kind.type === r.type && (p.kind.matches?.(r) ?? true),
  );
  return changes.filter((c) => rules.some((p) => pathCovers(p.property, c.segments)));
}
