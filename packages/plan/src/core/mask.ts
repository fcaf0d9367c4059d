import * as pulumi from "@pulumi/pulumi";
import { knownAfterApply, SECRET } from "./model";

const rpc = pulumi.runtime;

/**
 * Turns a value deserialized from the resource monitor into plain JSON data: secrets become
 * `[secret]`, unknowns `(known after apply: <sources>)`, resource references their URN.
 * Object keys are sorted so the output is byte-stable.
 */
export function mask(value: unknown, sources: readonly string[] = []): unknown {
  if (value === rpc.unknownValue || pulumi.isUnknown(value)) {
    return knownAfterApply(sources.length ? sources.join(", ") : undefined);
  }
  if (Array.isArray(value)) return value.map((v) => mask(v, sources));
  if (value === null || typeof value !== "object") return value;
  if (pulumi.Resource.isInstance(value)) return resourceRef(value);
  const record = value as Record<string, unknown>;
  const sig = record[rpc.specialSigKey];
  if (sig === rpc.specialSecretSig) return SECRET;
  if (sig === rpc.specialResourceSig) return { resource: record["urn"] };
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) {
    const v = record[key];
    if (v !== undefined) out[key] = mask(v, sources);
  }
  return out;
}

function resourceRef(resource: pulumi.Resource): unknown {
  // A live reference only appears when the SDK rehydrates one; its URN is what identifies it.
  const urn = (resource as unknown as { __pulumiURN?: string }).__pulumiURN;
  return { resource: urn ?? "(resource reference)" };
}

/** True if the deserialized value is, or contains, a secret. */
export function containsSecret(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsSecret);
  if (value === null || typeof value !== "object") return false;
  const record = value as Record<string, unknown>;
  if (record[rpc.specialSigKey] === rpc.specialSecretSig) return true;
  return Object.values(record).some(containsSecret);
}
