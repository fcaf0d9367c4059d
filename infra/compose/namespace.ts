import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** The namespace the services run in. */
export const APP_NAMESPACE = "causeway";

/**
 * The application namespace: Pod Security Standards "restricted" enforced, and the AWS Load
 * Balancer Controller's pod readiness gate injected, so a pod gets traffic only once the ALB
 * target group reports it healthy.
 */
export function appNamespace(provider: k8s.Provider, opts: pulumi.CustomResourceOptions = {}) {
  return new k8s.core.v1.Namespace(
    "app-namespace",
    {
      metadata: {
        name: APP_NAMESPACE,
        labels: {
          "app.kubernetes.io/part-of": "causeway",
          // https://kubernetes.io/docs/concepts/security/pod-security-admission/
          "pod-security.kubernetes.io/enforce": "restricted",
          "pod-security.kubernetes.io/enforce-version": "latest",
          "pod-security.kubernetes.io/warn": "restricted",
          "pod-security.kubernetes.io/audit": "restricted",
          // https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/deploy/pod_readiness_gate/
          "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled",
        },
      },
    },
    { ...opts, provider },
  );
}
