import type { PolicyReport } from "@causeway/plan";
import type { Evaluation } from "./evaluate";

/** The policy results as the plan JSON records them: `{ rules, violations }`. */
export function policyReport(evaluation: Evaluation): PolicyReport {
  return { rules: evaluation.rules, violations: evaluation.violations };
}

/** Mandatory violations block `npm start` / `npm run plan` (and `pulumi preview` with the pack). */
export function mandatoryViolations(report: PolicyReport): number {
  return report.violations.filter((v) => v.enforcementLevel === "mandatory").length;
}

/** The policy section printed after the plan text. */
export function renderPolicyText(evaluation: Evaluation): string {
  const out = [
    "",
    `Policies (infra/policies): ${evaluation.rules} rules, ${evaluation.violations.length} violations` +
      (evaluation.unknown.length > 0
        ? `, ${evaluation.unknown.length} checks left to the real preview (values known after apply)`
        : ""),
  ];
  for (const v of evaluation.violations) {
    out.push(
      `    [${v.enforcementLevel}] ${v.policy}: ${v.message}${v.urn ? `\n        ${v.urn}` : ""}`,
    );
  }
  return out.join("\n") + "\n";
}
