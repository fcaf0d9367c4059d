/** Whether `value` is an IPv4 CIDR block such as 10.0.0.0/16. Pure. */
export function isIpv4Cidr(value: string): boolean {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!match) return false;
  return match.slice(1, 5).every((o) => Number(o) <= 255) && Number(match[5]) <= 32;
}
