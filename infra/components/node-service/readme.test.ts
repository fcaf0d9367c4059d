import { NodeService, Ports, ServiceImage } from "@causeway/components";
import * as k8s from "@pulumi/kubernetes";
import { describe, expect, it } from "vitest";
import { planProgram } from "../../plan/harness";

/**
 * The README's example (same imports and code): another team's program using the published
 * package with plain args, its own provider and none of Causeway's stack config.
 */
describe("README example: NodeService from another Pulumi program", () => {
  it("plans the service with the consumer's provider and names", async () => {
    const plan = await planProgram(async () => {
      // --- README example starts ---
      const provider = new k8s.Provider("shop-cluster", { kubeconfig: "~/.kube/config" });

      const image = new ServiceImage("catalog", {
        pinned:
          "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/catalog@sha256:4f2a1c0b9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a",
      });

      const catalog = new NodeService(
        "catalog",
        {
          namespace: "shop",
          image: image.imageRef,
          port: 8080,
          replicas: 2,
          autoscaling: { maxReplicas: 6 },
          env: { LOG_LEVEL: "info" },
          secretEnv: { DATABASE_URL: { secretName: "catalog-database", key: "DATABASE_URL" } },
          upstreams: [{ name: "pricing", port: 8080 }],
          callers: ["storefront"],
          egressCidrs: { database: { cidrs: ["10.0.128.0/19"], ports: [Ports.postgres] } },
        },
        { provider },
      );
      // --- README example ends ---
      return { url: catalog.url };
    });
    expect(plan.outputs).toEqual({ url: "http://catalog.shop.svc.cluster.local:8080" });
    const types = plan.resources.map((r) => `${r.type}::${r.name}`).sort();
    expect(types).toEqual([
      "causeway:ecr:ServiceImage::catalog",
      "causeway:kubernetes:NodeService::catalog",
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
