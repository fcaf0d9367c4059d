import { describe, expect, it } from "vitest";
import { planProgram } from "../../plan/harness";
import { example } from "./example";

/**
 * The example both READMEs show (generated from ./example.ts by `npm run docs`): another team's
 * program using the published package with plain args, its own provider and none of Causeway's
 * stack config.
 */
describe("README example: NodeService from another Pulumi program", () => {
  it("plans the service with the consumer's provider and names", async () => {
    const plan = await planProgram(async () => example());
    expect(plan.outputs).toEqual({ url: "http://catalog.shop.svc.cluster.local:8080" });
    const types = plan.resources.map((r) => `${r.type}::${r.name}`).sort();
    expect(types).toEqual([
      "causeway:index:NodeService::catalog",
      "causeway:index:ServiceImage::catalog",
      "kubernetes:apps/v1:Deployment::catalog",
      "kubernetes:autoscaling/v2:HorizontalPodAutoscaler::catalog",
      "kubernetes:core/v1:Service::catalog",
      "kubernetes:core/v1:ServiceAccount::catalog",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy::catalog",
      "kubernetes:policy/v1:PodDisruptionBudget::catalog",
      "pulumi:providers:kubernetes::shop-cluster",
      "pulumi:pulumi:Stack::causeway-test",
    ]);
    const env = (
      plan.get("kubernetes:apps/v1:Deployment", "catalog").inputs["spec"] as {
        template: { spec: { containers: { env: { name: string; value?: string }[] }[] } };
      }
    ).template.spec.containers[0]!.env;
    expect(env.find((e) => e.name === "PRICING_URL")?.value).toBe(
      "http://pricing.shop.svc.cluster.local:8080",
    );
  });
});
