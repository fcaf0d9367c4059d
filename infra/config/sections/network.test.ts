import { cidrContains } from "@causeway/components";
import { describe, expect, it } from "vitest";
import { parsePlatformConfig } from "..";
import { configProblems } from "../../test/config-problems";
import { FIXTURE_STACKS, fixtureConfig, rawFixtureConfig } from "../../test/fixtures";

const problems = configProblems;

/** The dev fixture's network, which the rejected overlays below edit. */
const dev = fixtureConfig("dev").network;

describe("causeway:network subnet CIDRs", () => {
  it("every stack's subnet CIDRs lie in its VPC and match its subnet ids one to one", () => {
    for (const stack of FIXTURE_STACKS) {
      const n = parsePlatformConfig(rawFixtureConfig(stack), stack).network!;
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
      { publicSubnetCidrs: [dev.publicSubnetCidrs[0], "10.99.16.0/20"] },
      [
        `causeway:network.publicSubnetCidrs[1]: must lie inside vpcCidr ${dev.vpcCidr} (found "10.99.16.0/20")`,
      ],
    ],
    [
      "a CIDR with host bits set",
      { privateSubnetCidrs: ["10.110.128.1/19", dev.privateSubnetCidrs[1]] },
      [
        'causeway:network.privateSubnetCidrs[0]: must be a network address with no host bits set (did you mean 10.110.128.0/19?) (found "10.110.128.1/19")',
      ],
    ],
    [
      "fewer CIDRs than subnets",
      { publicSubnetCidrs: [dev.publicSubnetCidrs[0]] },
      [
        `causeway:network.publicSubnetCidrs: lists 1 CIDR blocks for ${dev.publicSubnetIds.length} publicSubnetIds; give each subnet's CIDR block, in the same order (found ${JSON.stringify([dev.publicSubnetCidrs[0]])})`,
      ],
    ],
    [
      "a private subnet overlapping a public one",
      { privateSubnetCidrs: ["10.110.8.0/24", dev.privateSubnetCidrs[1]] },
      [
        `causeway:network.privateSubnetCidrs[0]: overlaps publicSubnetCidrs[0] (${dev.publicSubnetCidrs[0]}); subnets of a VPC never overlap, give each subnet its own CIDR block (found "10.110.8.0/24")`,
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
    expect(problems(rawFixtureConfig("dev", { "causeway:network": network }))).toEqual(expected);
  });
});
