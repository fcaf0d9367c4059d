/** IPv4 CIDR arithmetic for config validation. Inputs are valid CIDRs (see primitives.ipv4Cidr). */

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
