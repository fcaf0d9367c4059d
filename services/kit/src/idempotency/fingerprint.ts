import { createHash } from "node:crypto";

/** JSON with object keys sorted at every level, so key order never changes a fingerprint. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** SHA-256 over method, path (with query) and the canonical body. */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  return createHash("sha256")
    .update(`${method.toUpperCase()} ${url}\n${canonicalJson(body ?? null)}`)
    .digest("hex");
}

/**
 * Parses an Idempotency-Key header. The draft defines it as a Structured Field string
 * (`"8e03978e-40d5-43e8-bc93-6894a57f9324"`); a bare token is accepted too. Returns undefined
 * when it is not 1-255 visible ASCII characters.
 */
export function parseIdempotencyKey(header: string): string | undefined {
  const quoted = /^"(.*)"$/.exec(header.trim());
  const key = quoted ? quoted[1]!.replace(/\\(["\\])/g, "$1") : header.trim();
  return /^[\x21-\x7e]{1,255}$/.test(key) ? key : undefined;
}
