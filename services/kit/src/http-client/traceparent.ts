import { randomFillSync } from "node:crypto";

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * Random bytes for ids, drawn from the CSPRNG 4 KiB at a time (as Node's randomUUID caches its
 * entropy): one `randomBytes` call per id is a system call and a buffer each, the costliest
 * part of a proxied call's headers. Every byte is used once.
 */
const pool = Buffer.allocUnsafe(4096);
let offset = pool.length;

/** `bytes` random bytes as lowercase hex, never all zeros (W3C: an all-zero id is invalid). */
export function randomHexId(bytes: number): string {
  for (;;) {
    if (offset + bytes > pool.length) {
      randomFillSync(pool);
      offset = 0;
    }
    const id = pool.toString("hex", offset, offset + bytes);
    offset += bytes;
    if (!/^0+$/.test(id)) return id;
  }
}

/**
 * The W3C traceparent for an outgoing call: same trace id and flags as the incoming header,
 * a new parent (span) id; a new trace when there is no valid incoming header.
 * https://www.w3.org/TR/trace-context/#traceparent-header
 */
export function childTraceparent(incoming?: string): string {
  const m = incoming ? TRACEPARENT.exec(incoming.trim().toLowerCase()) : null;
  const valid = m && !/^0+$/.test(m[1]!) && !/^0+$/.test(m[2]!);
  const traceId = valid ? m[1]! : randomHexId(16);
  const flags = valid ? m[3]! : "01";
  return `00-${traceId}-${randomHexId(8)}-${flags}`;
}
