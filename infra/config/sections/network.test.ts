import { cidrContains } from "@causeway/components";
import { describe, expect, it } from "vitest";
import { rawStackConfig } from "../../plan/harness";
import { parsePlatformConfig } from "..";
import { configProblems } from "../../test/config-problems";

const problems = configProblems;

describe("causeway:network subnet CIDRs", () => {
  it("every stack's subnet CIDRs lie in its VPC and match its subnet ids one to one", () => {
    for (const stack of ["dev", "staging", "prod"]) {
      const n = parsePlatformConfig(rawStackConfig(stack), stack).network;
      expect(n.publicSubnetCidrs).toHaveLength(n.publicSubnetIds.length);
      expect(n.privateSubnetCidrs).toHaveLength(n.privateSubnetIds.length);
      for (const c of [...n.publicSubnetCidrs, ...n.privateSubnetCidrs]) {
        expect(cidrContains(n.vpcCidr, c)).toBe(true);
      }
    }
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    [
      "a CIDR outside the VPC",
      { publicSubnetCidrs: ["10.10.0.0/20", "10.99.16.0/20"] },
      [
        'causeway:network.publicSubnetCidrs[1]: must lie inside vpcCidr 10.10.0.0/16 (found "10.99.16.0/20")',
      ],
    ],
    [
      "a CIDR with host bits set",
      { privateSubnetCidrs: ["10.10.128.1/19", "10.10.160.0/19"] },
      [
        'causeway:network.privateSubnetCidrs[0]: must be a network address with no host bits set (did you mean 10.10.128.0/19?) (found "10.10.128.1/19")',
      ],
    ],
    [
      "fewer CIDRs than subnets",
      { publicSubnetCidrs: ["10.10.0.0/20"] },
      [
        'causeway:network.publicSubnetCidrs: lists 1 CIDR blocks for 2 publicSubnetIds; give each subnet\'s CIDR block, in the same order (found ["10.10.0.0/20"])',
      ],
    ],
    [
      "a private subnet overlapping a public one",
      { privateSubnetCidrs: ["10.10.8.0/24", "10.10.160.0/19"] },
      [
        'causeway:network.privateSubnetCidrs[0]: overlaps publicSubnetCidrs[0] (10.10.0.0/20); subnets of a VPC never overlap (found "10.10.8.0/24")',
      ],
    ],
    [
      "a missing key, with the schema's own message",
      { publicSubnetCidrs: null },
      [
        "causeway:network.publicSubnetCidrs: Invalid input: expected array, received undefined (found nothing)",
      ],
    ],
  ])("rejects %s", (_, network, expected) => {
    expect(problems(rawStackConfig("dev", { "causeway:network": network }))).toEqual(expected);
  });
});
