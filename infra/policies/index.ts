import { PolicyPack } from "@pulumi/policy";
import { causewayPack } from "./policies";

// The entry point the Pulumi CLI runs: `pulumi preview --policy-pack infra/policies`.
// Importing this file starts the policy analyzer server, so only the CLI imports it; the
// offline plan evaluates `causewayPack` from ./policies instead.
new PolicyPack(causewayPack.name, {
  description:
    "Causeway: mandatory rules for the ALB, security groups, Amazon MQ, RDS, Kubernetes workloads and Consul.",
  enforcementLevel: causewayPack.enforcementLevel,
  policies: [...causewayPack.policies],
});
