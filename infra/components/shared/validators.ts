/**
 * The one home of the name and address rules that components and the stack config both check.
 * Pure; the config layer (`infra/config`) wraps these in its zod schemas.
 */

/**
 * RFC 1035 label, as Kubernetes requires of a Service name (`IsDNS1035Label` in
 * k8s.io/apimachinery/pkg/util/validation): 1-63 lowercase letters, digits or '-', starting with
 * a letter and ending with a letter or digit.
 */
export function isDns1035Label(value: string): boolean {
  return /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value);
}

/**
 * RFC 1123 label, as Kubernetes requires of most object names (`IsDNS1123Label`): like a
 * DNS-1035 label, but it may start with a digit. `maxLength` narrows the 63-character limit
 * for a name that gets a prefix or suffix.
 */
export function isDns1123Label(value: string, maxLength = 63): boolean {
  return value.length <= maxLength && /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value);
}

/** Whether `value` is an IPv4 CIDR block such as 10.0.0.0/16. */
export function isIpv4Cidr(value: string): boolean {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!match) return false;
  return match.slice(1, 5).every((o) => Number(o) <= 255) && Number(match[5]) <= 32;
}

function parseCidr(cidr: string): { base: number; prefix: number } {
  const [ip, prefix] = cidr.split("/") as [string, string];
  const base = ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
  return { base, prefix: Number(prefix) };
}

function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
}

/** The CIDR with its host bits cleared: `10.0.1.0/16` -> `10.0.0.0/16`. Input: a valid CIDR. */
export function cidrNetworkAddress(cidr: string): string {
  const { base, prefix } = parseCidr(cidr);
  return `${formatIpv4((base & prefixMask(prefix)) >>> 0)}/${prefix}`;
}

/** Whether `inner` lies entirely inside `outer`. Inputs: valid CIDRs. */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  const m = prefixMask(o.prefix);
  return i.prefix >= o.prefix && (i.base & m) >>> 0 === (o.base & m) >>> 0;
}

/** Whether two CIDR blocks share any address. Inputs: valid CIDRs. */
export function cidrsOverlap(a: string, b: string): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}
