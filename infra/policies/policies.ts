import type { PackDefinition, Policy } from "./evaluate";
import { albPolicies } from "./rules/alb";
import { clusterPolicies } from "./rules/cluster";
import { consulPolicies } from "./rules/consul";
import { cachePolicies, mqPolicies, rdsPolicies } from "./rules/data-stores";
import { kubernetesPodPolicies } from "./rules/kubernetes-pods";
import { kubernetesWorkloadPolicies } from "./rules/kubernetes-workloads";
import { observabilityPolicies } from "./rules/observability";
import { securityGroupPolicies } from "./rules/security-groups";

/** Every rule of the Causeway policy pack, by area. */
export const policies: readonly Policy[] = [
  ...albPolicies,
  ...securityGroupPolicies,
  ...mqPolicies,
  ...rdsPolicies,
  ...cachePolicies,
  ...kubernetesPodPolicies,
  ...kubernetesWorkloadPolicies,
  ...consulPolicies,
  ...clusterPolicies,
  ...observabilityPolicies,
];

/** The pack as the CLI serves it (index.ts) and the offline plan evaluates it. */
export const causewayPack: PackDefinition = {
  name: "causeway",
  enforcementLevel: "mandatory",
  policies,
};
