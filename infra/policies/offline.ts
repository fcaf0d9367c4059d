import type { OfflinePolicyPack } from "@causeway/plan";
import { evaluatePack } from "./evaluate";
import { causewayPack } from "./policies";
import { renderPolicyText } from "./report";
import { tierPolicyConfig } from "./rules/common";

/**
 * The pack's offline entry (`@causeway/policies/offline`): what `causeway-plan --policy-pack
 * @causeway/policies` evaluates on the plan of any program. The CLI's entry is index.ts.
 * Production rules key on the stack's `causeway:environment` config, as `npm run plan` does.
 */
export const policyPack: OfflinePolicyPack = {
  name: causewayPack.name,
  async evaluatePlan(plan, { config }) {
    const environment = config["causeway:environment"];
    const evaluation = await evaluatePack(
      plan,
      causewayPack,
      tierPolicyConfig(causewayPack.policies, environment),
    );
    return {
      rules: evaluation.rules,
      violations: evaluation.violations,
      text: renderPolicyText(evaluation),
    };
  },
};
