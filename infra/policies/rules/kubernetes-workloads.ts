import type {
  PolicyResource,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { isProduction, known, tierConfigSchema } from "./common";

/** Kubernetes rules across objects: replicas, disruption budgets, namespaces, services. */

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

interface Meta {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
}
interface DeploymentProps extends Meta {
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    template?: { metadata?: { labels?: Record<string, string> } };
  };
}

function nsOf(p: Meta): string {
  return p.metadata?.namespace ?? "default";
}

/** True if a label selector (matchLabels only) selects `labels`. */
function selects(
  selector: { matchLabels?: Record<string, string> } | undefined,
  labels: Record<string, string>,
): boolean {
  const m = selector?.matchLabels;
  if (!m || Object.keys(m).length === 0) return false;
  return Object.entries(m).every(([k, v]) => labels[k] === v);
}

/**
 * The HPAs that scale a Deployment, by the Deployment's name, in stack order: read once per rule,
 * not once per Deployment (bench (d): with hundreds of services, a scan of every resource for
 * each Deployment was a quadratic part of the policy pack's time).
 */
function hpasByTarget(all: readonly PolicyResource[]): Map<string | undefined, PolicyResource[]> {
  const out = new Map<string | undefined, PolicyResource[]>();
  for (const r of all) {
    if (r.type !== HPA) continue;
    const ref = known(
      () =>
        (r.props as { spec?: { scaleTargetRef?: { kind?: string; name?: string } } }).spec
          ?.scaleTargetRef,
    );
    if (ref?.kind !== "Deployment") continue;
    const list = out.get(ref.name) ?? [];
    list.push(r);
    out.set(ref.name, list);
  }
  return out;
}

/** The minimum replicas of a Deployment: its HPA's minReplicas when one targets it. */
function minReplicas(
  d: PolicyResource,
  hpas: ReadonlyMap<string | undefined, readonly PolicyResource[]>,
): number | undefined {
  const p = d.props as DeploymentProps;
  const hpa = hpas.get(p.metadata?.name)?.find((r) => nsOf(r.props as Meta) === nsOf(p));
  if (hpa)
    return known(() => (hpa.props as { spec?: { minReplicas?: number } }).spec?.minReplicas ?? 1);
  return known(() => p.spec?.replicas ?? 1);
}

/** Label selectors (matchLabels) of a stack's objects, by namespace, each read once. */
function selectorsByNamespace(
  objects: readonly PolicyResource[],
  selectorOf: (props: unknown) => { matchLabels?: Record<string, string> } | undefined,
): Map<string, ({ matchLabels?: Record<string, string> } | undefined)[]> {
  const out = new Map<string, ({ matchLabels?: Record<string, string> } | undefined)[]>();
  for (const o of objects) {
    const read = known(() => {
      const sel = selectorOf(o.props);
      const matchLabels = sel?.matchLabels ? { ...sel.matchLabels } : undefined;
      return { ns: nsOf(o.props as Meta), selector: sel ? { matchLabels } : undefined };
    });
    if (!read) continue;
    const list = out.get(read.ns) ?? [];
    list.push(read.selector);
    out.set(read.ns, list);
  }
  return out;
}

function podLabels(d: PolicyResource): Record<string, string> {
  return known(() => (d.props as DeploymentProps).spec?.template?.metadata?.labels) ?? {};
}

export const kubernetesWorkloadPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  {
    // Source: Polaris deploymentMissingReplicas; kube-score deployment-replicas; AWS EKS best
    // practices (run multiple replicas spread over AZs).
    name: "k8s-replicas-prod",
    description: "Production Deployments run at least 2 replicas (their HPA minimum, if scaled).",
    configSchema: tierConfigSchema,
    validateStack: (args, report) => {
      const hpas = hpasByTarget(args.resources);
      for (const d of args.resources.filter((r) => r.type === DEPLOYMENT)) {
        if (!isProduction({ props: d.props, getConfig: args.getConfig })) continue;
        const min = minReplicas(d, hpas);
        if (min !== undefined && min < 2)
          report(`${d.name} runs ${min} replica in production; run at least 2`, d.urn);
      }
    },
  },
  {
    // Source: kube-score deployment-has-poddisruptionbudget; Polaris missingPodDisruptionBudget.
    name: "k8s-pdb-for-replicated-deployments",
    description: "Every Deployment with 2+ replicas has a PodDisruptionBudget selecting its pods.",
    validateStack: (args, report) => {
      const pdbs = selectorsByNamespace(
        args.resources.filter((r) => r.type === PDB),
        (props) =>
          (props as { spec?: { selector?: { matchLabels?: Record<string, string> } } }).spec
            ?.selector,
      );
      const hpas = hpasByTarget(args.resources);
      for (const d of args.resources.filter((r) => r.type === DEPLOYMENT)) {
        const min = minReplicas(d, hpas);
        if (min === undefined || min < 2) continue;
        const labels = podLabels(d);
        const ns = nsOf(d.props as Meta);
        const covered = (pdbs.get(ns) ?? []).some((sel) => selects(sel, labels));
        if (!covered) report(`${d.name} has ${min} replicas and no PodDisruptionBudget`, d.urn);
      }
    },
  },
  {
    // Source: Polaris pdbDisruptionsIsZero; kube-score poddisruptionbudget-has-policy: a budget
    // that allows no disruption blocks node drains forever.
    name: "k8s-pdb-allows-disruption",
    description: "PodDisruptionBudgets allow at least one voluntary disruption.",
    validateResource: (args, report) => {
      if (args.type !== PDB) return;
      const spec = (
        args.props as {
          spec?: { maxUnavailable?: number | string; minAvailable?: number | string };
        }
      ).spec;
      if (spec?.maxUnavailable === 0 || spec?.maxUnavailable === "0%")
        report("maxUnavailable 0 blocks every drain");
      if (spec?.minAvailable === "100%") report("minAvailable 100% blocks every drain");
    },
  },
  {
    // Source: kube-score pod-networkpolicy (pods are targeted by a NetworkPolicy); NSA/CISA
    // Kubernetes Hardening Guide, "Network separation and hardening".
    name: "k8s-networkpolicy-per-deployment",
    description: "Every Deployment's pods are selected by a NetworkPolicy in their namespace.",
    validateStack: (args, report) => {
      const policies = selectorsByNamespace(
        args.resources.filter((r) => r.type === NETPOL),
        (props) =>
          (props as { spec?: { podSelector?: { matchLabels?: Record<string, string> } } }).spec
            ?.podSelector,
      );
      for (const d of args.resources.filter((r) => r.type === DEPLOYMENT)) {
        const labels = podLabels(d);
        const ns = nsOf(d.props as Meta);
        const covered = (policies.get(ns) ?? []).some((sel) => {
          const all = !sel?.matchLabels || Object.keys(sel.matchLabels).length === 0;
          return all || selects(sel, labels);
        });
        if (!covered) report(`${d.name} is selected by no NetworkPolicy`, d.urn);
      }
    },
  },
  {
    // Source: checkov CKV_K8S_21 (the default namespace should not be used); kube-score.
    name: "k8s-no-default-namespace",
    description: "Namespaced objects name a namespace other than default.",
    validateResource: (args, report) => {
      if (!args.type.startsWith("kubernetes:") || args.type.startsWith("kubernetes:helm.sh/"))
        return;
      if (args.type.includes(":Namespace") || args.type.includes(":Cluster")) return;
      if (args.type.includes("CustomResourceDefinition")) return;
      // Cluster-scoped (storage.k8s.io/v1 StorageClass): it has no namespace to name.
      if (args.type === "kubernetes:storage.k8s.io/v1:StorageClass") return;
      const ns = (args.props as Meta).metadata?.namespace;
      if (ns === undefined || ns === "default")
        report(`metadata.namespace is ${ns ?? "unset (default)"}; use the app namespace`);
    },
  },
  {
    // Source: Pod Security Admission (https://kubernetes.io/docs/concepts/security/pod-security-admission/):
    // namespaces enforce a Pod Security Standard; the blueprint's namespaces enforce restricted.
    name: "k8s-namespace-enforces-restricted",
    description: "Namespaces enforce the restricted Pod Security Standard.",
    validateResource: (args, report) => {
      if (args.type !== "kubernetes:core/v1:Namespace") return;
      const labels = (args.props as Meta).metadata?.labels ?? {};
      const level = labels["pod-security.kubernetes.io/enforce"];
      if (level !== "restricted")
        report(`pod-security.kubernetes.io/enforce is ${level ?? "unset"}; set restricted`);
    },
  },
  {
    // Source: kube-score service-type (NodePort services are discouraged); the ALB reaches pods
    // directly through IP targets, so nothing needs a node port.
    name: "k8s-no-nodeport-services",
    description: "Services are not NodePort or LoadBalancer (the ALB targets pod IPs).",
    validateResource: (args, report) => {
      if (args.type !== "kubernetes:core/v1:Service") return;
      const type = (args.props as { spec?: { type?: string } }).spec?.type;
      if (type === "NodePort" || type === "LoadBalancer")
        report(`spec.type ${type} is not allowed; use ClusterIP`);
    },
  },
];
