import type * as k8s from "@pulumi/kubernetes";

/**
 * Replicas, autoscaling and disruption budget of a NodeService. Pure; no Pulumi.
 *
 * With an HPA, the Deployment leaves `replicas` unset so that `pulumi up` never resets what the
 * HPA scaled to (Kubernetes docs, "Horizontal Pod Autoscaling": "Migrating Deployments and
 * StatefulSets to horizontal autoscaling"); the HPA's minimum is then the floor.
 * The PDB allows one pod down at a time (maxUnavailable 1), so it can never demand more pods
 * than the HPA minimum and never blocks a node drain of a single-replica dev service.
 */

export interface ScalingInput {
  readonly replicas: number;
  readonly autoscaling?:
    { readonly maxReplicas: number; readonly targetCpuUtilization: number } | undefined;
}

export interface ScalingPlan {
  /** `spec.replicas` of the Deployment; undefined when an HPA owns it. */
  readonly deploymentReplicas: number | undefined;
  readonly hpa:
    | {
        readonly minReplicas: number;
        readonly maxReplicas: number;
        readonly targetCpuUtilization: number;
      }
    | undefined;
  readonly pdb: { readonly maxUnavailable: number };
}

export function scalingPlan(input: ScalingInput): ScalingPlan {
  const hpa = input.autoscaling
    ? {
        minReplicas: input.replicas,
        maxReplicas: input.autoscaling.maxReplicas,
        targetCpuUtilization: input.autoscaling.targetCpuUtilization,
      }
    : undefined;
  return {
    deploymentReplicas: hpa ? undefined : input.replicas,
    hpa,
    pdb: { maxUnavailable: 1 },
  };
}

/** The HPA spec (autoscaling/v2), scaling the Deployment named `service` on CPU. */
export function hpaSpec(
  service: string,
  hpa: NonNullable<ScalingPlan["hpa"]>,
): k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerSpec {
  return {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: service },
    minReplicas: hpa.minReplicas,
    maxReplicas: hpa.maxReplicas,
    metrics: [
      {
        type: "Resource",
        resource: {
          name: "cpu",
          target: { type: "Utilization", averageUtilization: hpa.targetCpuUtilization },
        },
      },
    ],
    behavior: {
      // Scale down slowly (5 minutes of lower load, at most half the pods per minute), so a
      // lull between bursts does not shed capacity the next burst needs.
      scaleDown: {
        stabilizationWindowSeconds: 300,
        policies: [{ type: "Percent", value: 50, periodSeconds: 60 }],
      },
    },
  };
}

/** Rolling update: never below the desired count, one extra pod (or 25%) at a time. */
export const ROLLING_UPDATE = { maxUnavailable: 0, maxSurge: "25%" } as const;
