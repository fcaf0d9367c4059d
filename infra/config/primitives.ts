import { cidrNetworkAddress, isDns1035Label, isIpv4Cidr } from "@causeway/components";
import { z } from "zod";

/**
 * Shared validators for stack config values. Each message says what would be valid, so a
 * reader can fix the stack file without opening the source.
 */

/**
 * RFC 1035 DNS label: what Kubernetes requires of a Service name (a service of the graph names
 * its Kubernetes Service, Deployment and DNS name), so it must start with a letter.
 */
export const dns1035Label = z
  .string()
  .refine(
    isDns1035Label,
    "must be a DNS-1035 label: 1-63 lowercase letters, digits or '-', starting with a letter and ending with a letter or digit",
  );

/** An IPv4 CIDR block such as 10.0.0.0/16. */
export const ipv4Cidr = z
  .string()
  .refine(isIpv4Cidr, "must be an IPv4 CIDR block such as 10.0.0.0/16 or 0.0.0.0/0");

/**
 * An allow-list entry: an IPv4 CIDR block written as its network address. `10.0.0.1/16` is
 * refused with its network address: AWS would store 10.0.0.0/16, and the reader meant either that
 * or a single host (`/32`).
 */
export const allowListCidr = ipv4Cidr.superRefine((cidr, ctx) => {
  if (!isIpv4Cidr(cidr)) return;
  const network = cidrNetworkAddress(cidr);
  if (network !== cidr) {
    ctx.addIssue({
      code: "custom",
      input: cidr,
      message: `must be a network address with no host bits set (did you mean ${network}, or ${cidr.split("/")[0]}/32 for one host?)`,
    });
  }
});

/** A Kubernetes CPU quantity in millicores (`500m` -> 500, `1` -> 1000, `1.5` -> 1500). */
export function millicores(quantity: string): number {
  return quantity.endsWith("m")
    ? Number.parseInt(quantity, 10)
    : Math.round(Number.parseFloat(quantity) * 1000);
}

/** A Kubernetes resource quantity for CPU, e.g. `250m` or `1`. */
export const cpuQuantity = z
  .string()
  .regex(/^([1-9]\d*m|\d+(\.\d+)?)$/, "must be a CPU quantity such as 100m, 250m or 1");

/** A Kubernetes resource quantity for memory, e.g. `256Mi` or `1Gi`. */
export const memoryQuantity = z
  .string()
  .regex(/^[1-9]\d*(Mi|Gi)$/, "must be a memory quantity in Mi or Gi, such as 128Mi or 1Gi");

/** Converts a memory quantity (Mi/Gi) to mebibytes. */
export function mebibytes(quantity: string): number {
  const n = Number.parseInt(quantity, 10);
  return quantity.endsWith("Gi") ? n * 1024 : n;
}

/** AWS ids of the shape `<prefix>-<8 or 17 hex digits>`. */
export function awsId(prefix: string) {
  return z
    .string()
    .regex(
      new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`),
      `must be an AWS id of the form ${prefix}-0123456789abcdef0`,
    );
}

/** An AWS ARN, optionally restricted to one service. */
export function arn(service?: string) {
  const svc = service ?? "[a-z0-9-]+";
  return z
    .string()
    .regex(
      new RegExp(`^arn:aws(-cn|-us-gov)?:${svc}:[a-z0-9-]*:(\\d{12})?:.+$`),
      `must be an ARN of the form arn:aws:${service ?? "<service>"}:<region>:<account>:<resource>`,
    );
}

/** A host name as used in ALB host-header rules (wildcards allowed in the first label). */
export const hostName = z
  .string()
  .regex(
    /^(\*\.)?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    "must be a lower-case host name such as api.example.com",
  );

/** An HTTP path prefix for routing, such as `/` or `/api`. */
export const routePath = z
  .string()
  .regex(
    /^\/[A-Za-z0-9._~\-/]*$/,
    "must be a path starting with '/', made of letters, digits and . _ ~ - /",
  );
