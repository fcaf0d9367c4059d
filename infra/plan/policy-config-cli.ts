import { environments, type Environment } from "../config/environment";
import { tierPolicyConfig, type TierConfig } from "../policies/rules/common";
import { causewayPack } from "../policies/policies";

/**
 * Writes the policy pack's config for one environment as JSON on stdout, the file the Pulumi
 * CLI reads with `--policy-pack-config` (policy name -> its config). The workflows pass it with
 * `--policy-pack infra/policies`: without it, a tier-dependent rule sees no environment and holds
 * dev and staging to production rules (deletion protection, HA, access logs).
 *
 *   tsx --conditions=causeway-source infra/plan/policy-config-cli.ts <dev|staging|prod>
 */

export const POLICY_CONFIG_USAGE =
  "usage: tsx --conditions=causeway-source infra/plan/policy-config-cli.ts <dev|staging|prod>";

/** The `--policy-pack-config` content for `environment`, by policy name. */
export function policyPackConfig(environment: string): Record<string, TierConfig> {
  if (!(environments as readonly string[]).includes(environment)) {
    throw new Error(
      `Unknown environment "${environment}": expected one of ${environments.join(", ")}. ${POLICY_CONFIG_USAGE}`,
    );
  }
  return tierPolicyConfig(causewayPack.policies, environment as Environment);
}

if (require.main === module) {
  const [environment, ...rest] = process.argv.slice(2);
  if (environment === undefined || rest.length > 0) {
    process.stderr.write(`${POLICY_CONFIG_USAGE}\n`);
    process.exit(2);
  }
  try {
    process.stdout.write(`${JSON.stringify(policyPackConfig(environment), null, 2)}\n`);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
}
