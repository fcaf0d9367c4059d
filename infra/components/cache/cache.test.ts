import { describe, expect, it } from "vitest";
import { planProgram } from "../../plan/harness";
import { authTokenProblem, cacheProblems, cacheUrl } from "./args";
import { Cache } from "./cache";
import { example } from "./example";

const RG = "aws:elasticache/replicationGroup:ReplicationGroup";

describe("Cache from another program (the README example)", () => {
  it("a Multi-AZ Valkey replication group, encrypted in transit and at rest, open to the cluster only", async () => {
    const plan = await planProgram(async () => example());
    const rg = plan.get(RG, "shop-cache").inputs;
    expect(rg).toMatchObject({
      replicationGroupId: "shop-cache",
      engine: "valkey",
      engineVersion: "8.0",
      nodeType: "cache.m7g.large",
      numCacheClusters: 2,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      port: 6379,
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      authTokenUpdateStrategy: "ROTATE",
      autoMinorVersionUpgrade: true,
    });
    // The AUTH token is a secret in the plan, never its value.
    expect(String(rg["authToken"])).toMatch(/^\[secret\]$|^\(known after apply/);
    const resource = plan.get(RG, "shop-cache");
    expect(resource.deleteBeforeReplace).toBe(true);
    const ingress = plan.byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    expect(ingress.map((r) => [r.name, r.inputs])).toEqual([
      [
        "shop-cache-valkey-from-cluster",
        expect.objectContaining({
          ipProtocol: "tcp",
          fromPort: 6379,
          toPort: 6379,
          referencedSecurityGroupId: "sg-0a1b2c3d4e5f60718",
        }),
      ],
    ]);
    expect(
      plan.get("aws:ec2/securityGroup:SecurityGroup", "shop-cache-sg").inputs["namePrefix"],
    ).toBe("shop-cache-cache-");
    const secret = plan.get("kubernetes:core/v1:Secret", "shop-cache-connection").inputs as {
      metadata: { name: string; namespace: string };
      stringData: Record<string, unknown>;
    };
    expect(secret.metadata).toMatchObject({ name: "causeway-cache", namespace: "shop" });
    // The whole value is a secret: the plan shows neither the URL nor the token.
    expect(String(secret.stringData)).toMatch(
      /^\[secret\]$|^\(known after apply: .*shop-cache-auth-token\)$/,
    );
    expect(JSON.stringify(plan.resources)).not.toContain("rediss://");
  });

  it("one node: no replica, no failover, no Multi-AZ (dev)", async () => {
    const plan = await planProgram(async () => {
      new Cache("c", {
        vpcId: "vpc-1",
        subnetIds: ["subnet-a"],
        clientSecurityGroupIds: { cluster: "sg-1" },
      });
      return {};
    });
    expect(plan.get(RG, "c").inputs).toMatchObject({
      numCacheClusters: 1,
      automaticFailoverEnabled: false,
      multiAzEnabled: false,
      nodeType: "cache.t4g.micro",
    });
  });

  it("rejects what ElastiCache would refuse, all at once", async () => {
    await expect(
      planProgram(async () => {
        new Cache("c", {
          vpcId: "vpc-1",
          subnetIds: ["subnet-a"],
          clientSecurityGroupIds: {},
          replicationGroupId: "9bad--id-",
          engineVersion: "6.2",
          nodeType: "m7g.large",
          nodes: 2,
        });
        return {};
      }),
    ).rejects.toThrow(
      'Cache "c": 5 invalid arguments:\n' +
        '  - replicationGroupId: must be 1-40 letters, digits or hyphens, starting with a letter, not ending with a hyphen, without two hyphens in a row (found "9bad--id-")\n' +
        '  - engineVersion: must be a Valkey major.minor version, 7.2 or later, such as 8.0 (found "6.2")\n' +
        '  - nodeType: must be an ElastiCache node type such as cache.t4g.micro or cache.m7g.large (found "m7g.large")\n' +
        "  - subnetIds: Multi-AZ with 2 nodes needs subnets in at least two Availability Zones (found 1)\n" +
        "  - clientSecurityGroupIds: give at least one security group allowed to connect on 6379 (e.g. the EKS cluster security group)",
    );
  });
});

describe("cache rules (pure)", () => {
  it("node counts ElastiCache accepts: 1 to 6", () => {
    const base = { replicationGroupId: "c", engineVersion: "8.0", nodeType: "cache.t4g.micro" };
    expect(cacheProblems({ ...base, nodes: 6 })).toEqual([]);
    expect(cacheProblems({ ...base, nodes: 7 })).toEqual([
      "nodes: must be a whole number from 1 to 6 (a primary and up to 5 replicas) (found 7)",
    ]);
    expect(cacheProblems({ ...base, replicationGroupId: "a".repeat(41), nodes: 1 })).toHaveLength(
      1,
    );
  });

  it("AUTH tokens and the TLS URL", () => {
    expect(authTokenProblem("a".repeat(64))).toBeUndefined();
    expect(authTokenProblem("short")).toBe("must be 16-128 characters");
    expect(authTokenProblem(`${"a".repeat(20)}@`)).toBe(
      "must be printable ASCII without spaces, '/', '\"' or '@'",
    );
    expect(cacheUrl("primary.example.cache.amazonaws.com", 6379, "tok")).toBe(
      "rediss://:tok@primary.example.cache.amazonaws.com:6379",
    );
  });
});
