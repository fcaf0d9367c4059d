import { cidrNetworkAddress, isIpv4Cidr } from "../shared/validators";

/** The subnet layout of a Network: pure, so it is unit-tested without Pulumi. */

/** One subnet of the plan, keyed by its AZ. */
export interface SubnetPlan {
  readonly availabilityZone: string;
  readonly cidrBlock: string;
}

export interface NetworkLayout {
  readonly public: readonly SubnetPlan[];
  readonly private: readonly SubnetPlan[];
}

/** The VPC prefix lengths the layout supports: /16 (65,536 addresses) to /20. */
export const VPC_PREFIX_RANGE = { min: 16, max: 20 } as const;

function toNumber(ip: string): number {
  return ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
}

function toIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

/**
 * Splits the VPC's CIDR block: public subnets of 1/16 of the VPC each from its start (load
 * balancers and NAT gateways need few addresses), private subnets of 1/8 each from its middle
 * (nodes and pods: the VPC CNI gives every pod a VPC address). With 10.10.0.0/16 and three AZs:
 * public 10.10.0.0/20, 10.10.16.0/20, 10.10.32.0/20; private 10.10.128.0/19, 10.10.160.0/19,
 * 10.10.192.0/19. Input: a valid network CIDR in VPC_PREFIX_RANGE and one to four AZs.
 */
export function planSubnets(vpcCidr: string, availabilityZones: readonly string[]): NetworkLayout {
  const [ip, prefixText] = vpcCidr.split("/") as [string, string];
  const prefix = Number(prefixText);
  const base = toNumber(ip);
  const size = 2 ** (32 - prefix);
  const publicSize = size / 16;
  const privateSize = size / 8;
  return {
    public: availabilityZones.map((availabilityZone, i) => ({
      availabilityZone,
      cidrBlock: `${toIp(base + i * publicSize)}/${prefix + 4}`,
    })),
    private: availabilityZones.map((availabilityZone, i) => ({
      availabilityZone,
      cidrBlock: `${toIp(base + size / 2 + i * privateSize)}/${prefix + 3}`,
    })),
  };
}

/** Problems with a Network's CIDR block and AZs, one line each (empty when valid). */
export function checkNetworkLayout(
  vpcCidr: string,
  availabilityZones: readonly string[],
): string[] {
  const problems: string[] = [];
  if (!isIpv4Cidr(vpcCidr)) {
    problems.push(`cidrBlock: "${vpcCidr}" is not an IPv4 CIDR block such as 10.0.0.0/16`);
  } else {
    const prefix = Number(vpcCidr.split("/")[1]);
    if (cidrNetworkAddress(vpcCidr) !== vpcCidr) {
      problems.push(
        `cidrBlock: "${vpcCidr}" has host bits set; use ${cidrNetworkAddress(vpcCidr)}`,
      );
    }
    if (prefix < VPC_PREFIX_RANGE.min || prefix > VPC_PREFIX_RANGE.max) {
      // Source: Amazon VPC User Guide, "VPC CIDR blocks": a VPC's IPv4 block is /16 to /28; the
      // layout needs /20 or larger so each private subnet (1/8) still holds a few hundred pods.
      problems.push(
        `cidrBlock: /${prefix} is outside /${VPC_PREFIX_RANGE.min}-/${VPC_PREFIX_RANGE.max}; use e.g. 10.0.0.0/16`,
      );
    }
  }
  if (availabilityZones.length < 2 || availabilityZones.length > 4) {
    problems.push(
      `availabilityZones: give 2 to 4 Availability Zones (found ${availabilityZones.length}); EKS needs subnets in at least two`,
    );
  }
  if (new Set(availabilityZones).size !== availabilityZones.length) {
    problems.push("availabilityZones: lists an Availability Zone more than once");
  }
  for (const az of availabilityZones) {
    if (!/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/.test(az)) {
      problems.push(
        `availabilityZones: "${az}" is not an Availability Zone name such as eu-west-1a`,
      );
    }
  }
  return problems;
}
