import { randomBytes } from "node:crypto";

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The W3C traceparent for an outgoing call: same trace id and flags as the incoming header,
 * a new parent (span) id; a new trace when there is no valid incoming header.
 * https://www.w3.org/TR/trace-context/#traceparent-header
 */
export function childTraceparent(incoming?: string): string {
  const m = incoming ? TRACEPARENT.exec(incoming.trim().toLowerCase()) : null;
  const valid = m && !/^0+$/.test(m[1]!) && !/^0+$/.test(m[2]!);
  const traceId = valid ? m[1]! : randomBytes(16).toString("hex");
  const flags = valid ? m[3]! : "01";
  return `00-${traceId}-${randomBytes(8).toString("hex")}-${flags}`;
}
