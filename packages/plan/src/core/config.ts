/**
 * Stack config in the shape the Pulumi engine gives a program: every top-level value a string
 * (structured values as JSON), plus which keys are secret.
 */
export interface RawConfig {
  readonly values: Readonly<Record<string, string>>;
  readonly secretKeys: ReadonlySet<string>;
  /**
   * Exact paths of `secure:` leaves (e.g. `causeway:cluster.kubeconfig`) where the reader knows
   * them (the offline plan reads the stack file itself; the engine only says which keys).
   */
  readonly securePaths?: readonly string[];
}

/** Stand-in for a `secure:` value, which only the stack's secrets provider can decrypt. */
export const SECURE_PLACEHOLDER = "offline-plan-secret-value";

/**
 * Converts a parsed `config:` mapping to engine form the way the Pulumi CLI does: top-level
 * values become strings, structured values JSON, and `secure:` values secrets (here,
 * placeholders).
 */
export function toRawConfig(config: Readonly<Record<string, unknown>>): RawConfig {
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  const securePaths: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const found: string[] = [];
    const plain = replaceSecure(value, key, found);
    if (found.length > 0) secretKeys.add(key);
    securePaths.push(...found);
    values[key] = typeof plain === "string" ? plain : JSON.stringify(plain);
  }
  return { values, secretKeys, securePaths };
}

function isSecure(v: unknown): boolean {
  return (
    typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    Object.keys(v).length === 1 &&
    "secure" in v
  );
}

function replaceSecure(value: unknown, at: string, found: string[]): unknown {
  if (isSecure(value)) {
    found.push(at);
    return SECURE_PLACEHOLDER;
  }
  if (Array.isArray(value)) return value.map((v, i) => replaceSecure(v, `${at}[${i}]`, found));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, replaceSecure(v, `${at}.${k}`, found)]),
    );
  }
  return value;
}
