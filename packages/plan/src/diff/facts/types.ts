import type { PlannedResource } from "../../core/model";

/**
 * The facts the plan diff knows about resource types, which an offline plan cannot learn from a
 * provider. Each family of types keeps one table; every entry names the source it was taken from.
 */

/** One property whose change one resource type cannot take in place. */
export interface ReplacementRule {
  /**
   * Pulumi type token, e.g. `aws:mq/broker:Broker`. A trailing `*` matches every type token
   * with that prefix (e.g. `kubernetes:*`).
   */
  readonly type: string;
  /**
   * Property path in the resource's inputs, dot separated (`spec.selector`). A change at this
   * path or anywhere below it is covered.
   */
  readonly property: string;
  /**
   * `replace`: the provider deletes and re-creates the resource; `apply-error`: the provider
   * tries an in-place update that the cloud refuses during `pulumi up`.
   */
  readonly effect: "replace" | "apply-error";
  /** Where the fact comes from (provider source or documentation URL). */
  readonly source: string;
  /** What the reader should know about the change, if anything. */
  readonly note?: string;
}

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

/** An update of `property` that recreates the stateful storage of `kind`. */
export interface StorageChangePath {
  readonly kind: StatefulKind;
  readonly property: string;
}

/** Everything the diff knows about one family of resource types. */
export interface FactsTable {
  /** The family, e.g. `Amazon MQ`. */
  readonly family: string;
  readonly replacements: readonly ReplacementRule[];
  readonly stateful: readonly StatefulKind[];
  readonly storageChanges: readonly StorageChangePath[];
}
