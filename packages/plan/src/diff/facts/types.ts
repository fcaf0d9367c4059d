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
  /**
   * Set when the update itself is refused (not just costly): why, the fix, and the source. The
   * diff then flags it would-fail instead of data-loss.
   */
  readonly refused?: { readonly why: string; readonly fix: string; readonly source: string };
}

/**
 * A deletion the cloud refuses (e.g. a non-empty ECR repository without forceDelete): the
 * delete step of `pulumi up` fails, after the rest of the update ran.
 */
export interface DeletionRule {
  readonly type: string;
  readonly source: string;
  /** The refusal for this resource, as it is in the base plan; undefined when it is deleted. */
  readonly check: (
    r: PlannedResource,
  ) => { readonly fail: string; readonly fix: string } | undefined;
}

/** Everything the diff knows about one family of resource types. */
export interface FactsTable {
  /** The family, e.g. `Amazon MQ`. */
  readonly family: string;
  readonly replacements: readonly ReplacementRule[];
  readonly stateful: readonly StatefulKind[];
  readonly storageChanges: readonly StorageChangePath[];
  /** Physical names that collide when a replacement creates before it deletes. */
  readonly uniqueNames?: readonly UniqueNameRule[];
  /** In-place version changes the cloud refuses, or takes with downtime. */
  readonly upgrades?: readonly UpgradeRule[];
  /** Deletions the cloud refuses. */
  readonly deletions?: readonly DeletionRule[];
}

/**
 * A physical name that must be unique (per account and region, or within a VPC or namespace).
 * A replacement creates the new resource before it deletes the old one, unless the resource has
 * `deleteBeforeReplace` (or its provider deletes first): with the same fixed name, the create is
 * refused and `pulumi up` fails half-way.
 */
export interface UniqueNameRule {
  /** Pulumi type token; a trailing `*` matches every type with that prefix. */
  readonly type: string;
  /** The input that holds the physical name (`name`, `metadata.name`). */
  readonly property: string;
  /** Where the name must be unique, for the message: `within its VPC`. */
  readonly scope: string;
  /** What the cloud answers to a duplicate, for the message. */
  readonly refusal: string;
  /** The auto-naming input that avoids the collision, if the type has one (`namePrefix`). */
  readonly prefixProperty?: string;
  /**
   * True when the provider itself deletes before it replaces an object with a fixed name (the
   * Kubernetes provider): no collision, but the object is missing for a while.
   */
  readonly providerDeletesFirst?: boolean;
  /** What is unavailable while the old one is deleted and the new one not yet ready. */
  readonly downtime?: string;
  readonly source: string;
}

/** What an in-place change of a version means. */
export type UpgradeVerdict =
  { readonly fail: string; readonly fix: string } | { readonly downtime: string };

/** The resources an upgrade rule may consult: the old and new resource and the head plan. */
export interface UpgradeContext {
  readonly before: PlannedResource;
  readonly after: PlannedResource;
  readonly head: readonly PlannedResource[];
}

/** A rule for an in-place update of a version property (RDS engine, Amazon MQ engine). */
export interface UpgradeRule {
  readonly type: string;
  /** The version property; the rule runs when it changes in an update. */
  readonly property: string;
  readonly source: string;
  readonly check: (c: UpgradeContext) => readonly UpgradeVerdict[];
}
