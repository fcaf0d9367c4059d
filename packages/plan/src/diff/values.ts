/**
 * Property-level comparison of two resources' masked inputs, for the plan diff. Values are
 * plan JSON (secrets already `[secret]`), so nothing here can reveal a secret.
 */

/** One segment of a property path: an object key or an array index. */
export type PathSegment = string | number;

/** A property that differs between the base and the head plan. */
export interface PropertyChange {
  /** Pulumi-style property path: `spec.replicas`, `containers[0].image`, `labels["app.kubernetes.io/name"]`. */
  readonly path: string;
  readonly segments: readonly PathSegment[];
  /** `add`: only in head; `delete`: only in base; `update`: in both, different. */
  readonly kind: "add" | "delete" | "update";
  /** The base value (absent for `add`). */
  readonly old?: unknown;
  /** The head value (absent for `delete`). */
  readonly new?: unknown;
}

/** Renders path segments like Pulumi does: `a.b[0]["c.d"]`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(s)) out += out === "" ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/**
 * True if a rule's dot-separated `property` is `segments` or one of its ancestors. Array
 * indices in `segments` are skipped, so `users` matches `users[1].password`.
 */
export function pathCovers(property: string, segments: readonly PathSegment[]): boolean {
  const rule = property.split(".").filter((s) => s !== "");
  const keys = segments.filter((s): s is string => typeof s === "string");
  if (rule.length > keys.length) return false;
  return rule.every((s, i) => s === keys[i]);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Structural equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/**
 * Every difference between `base` and `head`, leaf by leaf where both sides are objects or
 * arrays, sorted by path. A subtree present on one side only is one change.
 */
export function diffValues(base: unknown, head: unknown): PropertyChange[] {
  const out: PropertyChange[] = [];
  walk(base, head, [], out);
  return out;
}

function walk(base: unknown, head: unknown, at: PathSegment[], out: PropertyChange[]): void {
  if (jsonEqual(base, head)) return;
  if (isRecord(base) && isRecord(head)) {
    const keys = [...new Set([...Object.keys(base), ...Object.keys(head)])].sort();
    for (const key of keys) {
      const path = [...at, key];
      // Own keys only: a label or annotation named `constructor` is data, not Object.prototype's.
      if (!Object.hasOwn(head, key)) push(out, path, "delete", base[key], undefined);
      else if (!Object.hasOwn(base, key)) push(out, path, "add", undefined, head[key]);
      else walk(base[key], head[key], path, out);
    }
    return;
  }
  if (Array.isArray(base) && Array.isArray(head)) {
    const n = Math.max(base.length, head.length);
    for (let i = 0; i < n; i++) {
      const path = [...at, i];
      if (i >= head.length) push(out, path, "delete", base[i], undefined);
      else if (i >= base.length) push(out, path, "add", undefined, head[i]);
      else walk(base[i], head[i], path, out);
    }
    return;
  }
  push(out, at, "update", base, head);
}

function push(
  out: PropertyChange[],
  segments: PathSegment[],
  kind: PropertyChange["kind"],
  old: unknown,
  next: unknown,
): void {
  const change: PropertyChange =
    kind === "add"
      ? { path: formatPath(segments), segments, kind, new: next }
      : kind === "delete"
        ? { path: formatPath(segments), segments, kind, old }
        : { path: formatPath(segments), segments, kind, old, new: next };
  out.push(change);
}
