import type { PlanView } from "../plan/harness";

/**
 * Reads of planned Kubernetes objects that several infra tests share. Each returns the planned
 * inputs as they are; the types name only the fields the tests read.
 */

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly secretKeyRef?: { name: string; key: string; optional?: boolean };
  };
}

export interface PodTemplate {
  readonly metadata: { readonly annotations: Record<string, string> };
  readonly spec: {
    readonly automountServiceAccountToken?: boolean;
    readonly containers: { name: string; image: string; env: EnvVar[] }[];
  };
}

/** The Deployment spec of a service. */
export function deploymentSpec(
  plan: PlanView,
  service: string,
): { replicas?: number; template: PodTemplate } {
  return plan.get("kubernetes:apps/v1:Deployment", service).inputs["spec"] as {
    replicas?: number;
    template: PodTemplate;
  };
}

/** The env of a service's own container. */
export function containerEnv(plan: PlanView, service: string): EnvVar[] {
  const { containers } = deploymentSpec(plan, service).template.spec;
  return containers.find((c) => c.name === service)!.env;
}

export const INTENTIONS = "kubernetes:consul.hashicorp.com/v1alpha1:ServiceIntentions";

/** Every [caller, upstream, action] the planned ServiceIntentions express, sorted. */
export function plannedIntentions(plan: PlanView): [string, string, string][] {
  type Spec = { destination: { name: string }; sources: { name: string; action: string }[] };
  return plan
    .byType(INTENTIONS)
    .flatMap((r) => {
      const spec = r.inputs["spec"] as Spec;
      return spec.sources.map((s): [string, string, string] => [
        s.name,
        spec.destination.name,
        s.action,
      ]);
    })
    .sort((a, b) => a.join(" ").localeCompare(b.join(" ")));
}

/** `metadata.namespace/metadata.name` of every planned Kubernetes Secret, sorted. */
export function secretNames(plan: PlanView): string[] {
  return plan
    .byType("kubernetes:core/v1:Secret")
    .map((s) => {
      const m = s.inputs["metadata"] as { name: string; namespace: string };
      return `${m.namespace}/${m.name}`;
    })
    .sort();
}
