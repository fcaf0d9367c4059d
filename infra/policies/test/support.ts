import { DEFAULT_RESOURCE_OPTIONS, type Plan, type PlannedResource } from "@causeway/plan";
import { evaluatePack, type Evaluation, type PackDefinition } from "../evaluate";
import { causewayPack } from "../policies";
import { tierPolicyConfig } from "../rules/common";

/** Synthetic resources for policy tests: the offline plan's shape, with dependencies by name. */
export interface TestResource {
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
  /** Names of resources in the same test plan this one depends on. */
  readonly dependsOn?: readonly string[];
}

export function testPlan(resources: readonly TestResource[], stack = "dev"): Plan {
  const urn = (r: TestResource) =>
    `urn:pulumi:${stack}::causeway::pulumi:pulumi:Stack$${r.type}::${r.name}`;
  const byName = new Map(resources.map((r) => [r.name, urn(r)]));
  const planned: PlannedResource[] = resources.map((r) => ({
    urn: urn(r),
    type: r.type,
    name: r.name,
    parent: `urn:pulumi:${stack}::causeway::pulumi:pulumi:Stack::causeway-${stack}`,
    ...DEFAULT_RESOURCE_OPTIONS,
    inputs: r.props,
    dependencies: (r.dependsOn ?? []).map((n) => {
      const u = byName.get(n);
      if (!u) throw new Error(`test resource ${r.name} depends on unknown ${n}`);
      return u;
    }),
  }));
  return { project: "causeway", stack, resources: planned, outputs: {} };
}

/** Evaluates one policy of the pack on synthetic resources. */
export async function evaluateOne(
  policyName: string,
  resources: readonly TestResource[],
  stack = "dev",
): Promise<Evaluation> {
  const policy = causewayPack.policies.find((p) => p.name === policyName);
  if (!policy) throw new Error(`no policy named ${policyName}`);
  const pack: PackDefinition = { ...causewayPack, policies: [policy] };
  // The tier comes from the pack's environment config, as the stack's causeway:environment.
  return evaluatePack(testPlan(resources, stack), pack, tierPolicyConfig(pack.policies, stack));
}

/** The violation messages of one policy on synthetic resources. */
export async function violationsOf(
  policyName: string,
  resources: readonly TestResource[],
  stack = "dev",
): Promise<string[]> {
  return (await evaluateOne(policyName, resources, stack)).violations.map((v) => v.message);
}
