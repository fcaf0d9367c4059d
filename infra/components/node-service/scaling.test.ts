import { describe, expect, it } from "vitest";
import { hpaSpec, scalingPlan } from "./scaling";

describe("scaling plan", () => {
  it.each([
    // [replicas, autoscaling, deployment replicas, HPA min..max, PDB maxUnavailable]
    [1, undefined, 1, undefined, 1],
    [2, undefined, 2, undefined, 1],
    [2, { maxReplicas: 4, targetCpuUtilization: 70 }, undefined, [2, 4], 1],
    [3, { maxReplicas: 10, targetCpuUtilization: 70 }, undefined, [3, 10], 1],
  ] as const)(
    "replicas %s, autoscaling %j -> deployment %s, hpa %j, pdb maxUnavailable %s",
    (replicas, autoscaling, deployment, hpa, maxUnavailable) => {
      const plan = scalingPlan({ replicas, autoscaling });
      expect(plan.deploymentReplicas).toBe(deployment);
      expect(plan.hpa && [plan.hpa.minReplicas, plan.hpa.maxReplicas]).toEqual(hpa);
      expect(plan.pdb.maxUnavailable).toBe(maxUnavailable);
    },
  );

  it("the PDB never demands more pods than the HPA minimum keeps", () => {
    for (let replicas = 1; replicas <= 20; replicas++) {
      const plan = scalingPlan({
        replicas,
        autoscaling: { maxReplicas: 20, targetCpuUtilization: 70 },
      });
      const minAvailable = plan.hpa!.minReplicas - plan.pdb.maxUnavailable;
      expect(minAvailable).toBeLessThan(plan.hpa!.minReplicas);
      expect(minAvailable).toBeGreaterThanOrEqual(0);
    }
  });

  it("the HPA targets the Deployment on CPU utilisation", () => {
    expect(hpaSpec("orders", { minReplicas: 2, maxReplicas: 4, targetCpuUtilization: 70 })).toEqual(
      {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "orders" },
        minReplicas: 2,
        maxReplicas: 4,
        metrics: [
          {
            type: "ContainerResource",
            containerResource: {
              name: "cpu",
              container: "orders",
              target: { type: "Utilization", averageUtilization: 70 },
            },
          },
        ],
        behavior: {
          scaleDown: {
            stabilizationWindowSeconds: 300,
            policies: [{ type: "Percent", value: 50, periodSeconds: 60 }],
          },
        },
      },
    );
  });
});
