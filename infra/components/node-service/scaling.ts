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

/**
 * The HPA spec (autoscaling/v2), scaling the Deployment named `service` on the CPU utilisation
 * of its own container, the one named `container` (NodeService names it after the service).
 *
 * Why `ContainerResource` and not `Resource`: a `Resource` metric divides the pod's summed CPU
 * usage by the summed requests of every container, and the HPA refuses to compute it ("missing
 * request for cpu") when any container has none. A mesh injects containers this component does
 * not write: consul-k8s's consul-dataplane sidecar has no CPU request unless the chart's
 * `connectInject.sidecarProxy.resources` or the pod's
 * `consul.hashicorp.com/sidecar-proxy-cpu-request` annotation sets one (chart default null,
 * charts/consul/values.yaml, hashicorp/consul-k8s v1.9.11). A `ContainerResource` metric reads
 * only the named container's usage and request, so the HPA scales whatever a mesh or any other
 * injector adds to the pod, and it scales on the app's own load rather than on an average
 * diluted by Envoy's. `ContainerResource` is stable in autoscaling/v2 since Kubernetes 1.30
 * (KEP-1610, "Container Resource based Autoscaling"), the version the pod already needs for its
 * `sleep` preStop handler.
 */
export function hpaSpec(
  service: string,
  hpa: NonNullable<ScalingPlan["hpa"]>,
  container: string = service,
): k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerSpec {
  return {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: service },
    minReplicas: hpa.minReplicas,
    maxReplicas: hpa.maxReplicas,
    metrics: [
      {
        type: "ContainerResource",
        containerResource: {
          name: "cpu",
          container,
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
