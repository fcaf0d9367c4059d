import { createHash } from "node:crypto";

/**
 * Physical names of the load balancer and its target groups. AWS limits both to 32 letters,
 * digits and hyphens, unique per account and Region, and replaces the resource when the name
 * changes. The name is a readable part plus a hash of the stack, the component and every
 * property that forces replacement: a change that replaces the resource also changes its name,
 * so the new one can be created before the old one is deleted, without a name clash, and two
 * stacks in one account never collide.
 */

export const MAX_NAME_LENGTH = 32;
const HASH_LENGTH = 8;

function sanitize(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
}

function hash(parts: readonly (string | number | boolean)[]): string {
  return createHash("sha256").update(parts.map(String).join("\u0000")).digest("hex");
}

/** `<readable>-<hash>`, at most 32 characters, never starting or ending with `-`. */
export function physicalName(
  readable: string,
  identity: readonly (string | number | boolean)[],
): string {
  const room = MAX_NAME_LENGTH - HASH_LENGTH - 1;
  const head = sanitize(readable).slice(0, room).replace(/-+$/, "") || "x";
  // An ALB name must not begin with "internal-".
  const safeHead = head.startsWith("internal-") ? `lb-${head}`.slice(0, room) : head;
  return `${safeHead}-${hash(identity).slice(0, HASH_LENGTH)}`;
}
