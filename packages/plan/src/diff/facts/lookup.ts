/** Reading a plan's masked inputs, for the facts that look past one property. */

/** The value at a dotted path of `inputs`, or undefined. */
export function inputAt(inputs: Record<string, unknown>, path: string): unknown {
  let v: unknown = inputs;
  for (const key of path.split(".")) {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

const UNKNOWN = /^\(known after apply(?:: (.*))?\)$/;

/** True for a value only known after apply. */
export function isUnknown(v: unknown): boolean {
  return typeof v === "string" && UNKNOWN.test(v);
}

/** The URNs an unknown value comes from (`(known after apply: urn:a, urn:b)`), else none. */
export function referencedUrns(v: unknown): string[] {
  if (typeof v !== "string") return [];
  const m = UNKNOWN.exec(v);
  return m?.[1] ? m[1].split(", ").filter((u) => u.startsWith("urn:")) : [];
}
