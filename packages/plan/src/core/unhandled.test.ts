import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { describe, expect, it } from "vitest";
import { planProgram } from "./plan-program";

describe("an error thrown inside apply", () => {
  it("fails the plan with its message, as `pulumi up` fails the update", async () => {
    await expect(
      planProgram(async () => {
        const length = pulumi.output(3).apply((n) => {
          if (n < 8)
            throw new pulumi.ResourceError(
              `length: must be at least 8, found ${n}`,
              undefined,
              true,
            );
          return n;
        });
        const pw = new random.RandomPassword("pw", { length });
        // A dependent of the failed resource: its registration never completes either.
        new random.RandomPassword("pw2", { length: pw.result.apply((r) => r.length) });
        return {};
      }),
    ).rejects.toThrow("length: must be at least 8, found 3");
  });

  it("leaves the next plan unaffected", async () => {
    const plan = await planProgram(async () => {
      new random.RandomPassword("pw", { length: pulumi.output(12) });
      return {};
    });
    expect(plan.get("random:index/randomPassword:RandomPassword", "pw").inputs["length"]).toBe(12);
  });
});
