/**
 * The load balancer's security group rules as data: HTTPS (443) and the HTTP redirect (80) in
 * from the allowed CIDRs, and out only to the targets on the service ports. Each rule is keyed
 * by what it allows (never by position), so adding a CIDR or a port adds one rule and leaves
 * the others untouched.
 */

export const ListenerPorts = { https: 443, http: 80 } as const;

export interface IngressRuleSpec {
  /** Stable key for the child resource name. */
  readonly key: string;
  readonly port: number;
  readonly cidrIpv4: string;
  readonly description: string;
}

export interface EgressRuleSpec {
  readonly key: string;
  readonly port: number;
  readonly description: string;
}

/** `10.0.0.0/8` -> `10-0-0-0-8`: a CIDR as a resource name segment. */
export function cidrKey(cidr: string): string {
  return cidr.replace(/[./]/g, "-");
}

/** Ingress: 443 and 80 from each allowed CIDR (deduplicated, sorted). */
export function ingressRules(allowedCidrs: readonly string[]): IngressRuleSpec[] {
  const cidrs = [...new Set(allowedCidrs)].sort();
  return cidrs.flatMap((cidr) => [
    {
      key: `https-from-${cidrKey(cidr)}`,
      port: ListenerPorts.https,
      cidrIpv4: cidr,
      description: `HTTPS from ${cidr} to the public load balancer`,
    },
    {
      key: `http-from-${cidrKey(cidr)}`,
      port: ListenerPorts.http,
      cidrIpv4: cidr,
      description: `HTTP from ${cidr}, only redirected to HTTPS`,
    },
  ]);
}

/** Egress: one rule per distinct target port (sorted), towards the targets only. */
export function egressRules(targetPorts: readonly number[], towards: string): EgressRuleSpec[] {
  return [...new Set(targetPorts)]
    .sort((a, b) => a - b)
    .map((port) => ({
      key: `to-targets-${port}`,
      port,
      description: `Requests and health checks to service pods on port ${port} (${towards})`,
    }));
}
