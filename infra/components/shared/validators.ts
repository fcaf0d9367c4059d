/** Pure validators and IPv4 CIDR arithmetic shared by the components and the app's config. */

/** Whether `value` is an IPv4 CIDR block such as 10.0.0.0/16. Pure. */
export function isIpv4Cidr(value: string): boolean {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!match) return false;
  return match.slice(1, 5).every((o) => Number(o) <= 255) && Number(match[5]) <= 32;
}

/**
 * Whether `value` is an RFC 1035 DNS label: 1-63 lowercase letters, digits or '-', starting with
 * a letter and ending with a letter or digit (what Kubernetes requires of a Service name).
 */
export function isDns1035Label(value: string): boolean {
  return /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value);
}

/**
 * Whether `value` is an RFC 1123 DNS label: as DNS-1035, but it may also start with a digit
 * (what Kubernetes requires of most object names).
 */
export function isDns1123Label(value: string): boolean {
  return /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value);
}

/* IPv4 CIDR arithmetic. Inputs are valid CIDRs (see isIpv4Cidr). */

function parse(cidr: string): { base: number; prefix: number } {
  const [ip, prefix] = cidr.split("/") as [string, string];
  const base = ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
  return { base, prefix: Number(prefix) };
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function format(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
}

/** The CIDR with its host bits cleared: `10.0.1.0/16` -> `10.0.0.0/16`. */
export function cidrNetworkAddress(cidr: string): string {
  const { base, prefix } = parse(cidr);
  return `${format((base & mask(prefix)) >>> 0)}/${prefix}`;
}

/** Whether `inner` lies entirely inside `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parse(outer);
  const i = parse(inner);
  return (
    i.prefix >= o.prefix && (i.base & mask(o.prefix)) >>> 0 === (o.base & mask(o.prefix)) >>> 0
  );
}

/** Whether two CIDR blocks share any address. */
export function cidrsOverlap(a: string, b: string): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}
