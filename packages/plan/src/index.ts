// @causeway/plan: the offline plan of a Pulumi program (the SDK's mock runtime, no cloud calls),
// its diff between two revisions and its renderers. This file only re-exports.
export { PlanCapture, type CaptureOptions, type StackOutputs } from "./core/capture";
export { SECURE_PLACEHOLDER, toRawConfig, type RawConfig } from "./core/config";
export { PlanError, STACK_TRACES_ENV, stalledMessage } from "./core/errors";
export {
  answerInvoke,
  awsInvokes,
  DEFAULT_ACCOUNT_ID,
  DEFAULT_INVOKE_HINT,
  DEFAULT_REGION,
  defaultInvokes,
  elbAccountByRegion,
  fakeAwsId,
  type AwsIdentity,
  type InvokeAnswer,
  type InvokeAnswers,
} from "./core/invokes";
export { containsSecret, mask } from "./core/mask";
export {
  DEFAULT_RESOURCE_OPTIONS,
  knownAfterApply,
  SECRET,
  type Plan,
  type PlannedResource,
  type PolicyReport,
  type PolicyViolation,
} from "./core/model";
export { planProgram, type PlanProgramOptions } from "./core/plan-program";
export { runPlan, type Program, type RunPlanOptions } from "./core/run";
export { PlanView } from "./core/view";
export { aliasUrns, makeUrn, normalizeUrn } from "./diff/aliases";
export { statefulKindOf, storageChanges } from "./diff/danger";
export {
  ChangeKind,
  DangerClass,
  diffExitCode,
  diffPlans,
  failedStackDiff,
  replacementReasons,
  wouldFailFlags,
  type DangerFacts,
  type DangerFlag,
  type DiffSummary,
  type ReplacementReason,
  type ResourceChange,
  type StackDiff,
} from "./diff/diff";
export {
  factsTables,
  replacementRules,
  statefulKinds,
  storageChangePaths,
  uniqueNameRules,
  upgradeRules,
} from "./diff/facts";
export type {
  FactsTable,
  ReplacementRule,
  StatefulKind,
  StorageChangePath,
  UniqueNameRule,
  UpgradeContext,
  UpgradeRule,
  UpgradeVerdict,
} from "./diff/facts/types";
export {
  diffValues,
  formatPath,
  jsonEqual,
  pathCovers,
  type PathSegment,
  type PropertyChange,
} from "./diff/values";
export {
  PROGRESS_ENV,
  progressReporter,
  type Progress,
  type ProgressStream,
} from "./render/progress";
export { moduleProgram, resolveEntry } from "./project/entry";
export {
  loadPolicyPack,
  mandatoryCount,
  type OfflinePolicyContext,
  type OfflinePolicyPack,
  type OfflinePolicyResult,
} from "./project/policy-pack";
export { namespacedKey, readProjectFile, type ProjectFile } from "./project/project-file";
export { knownStacks, stackConfig } from "./project/stack-file";
export { readStackConfig, readYamlFile } from "./project/yaml-file";
export { renderDiffText } from "./render/diff-text";
export { renderJson } from "./render/json";
export {
  COMMENT_MARKER,
  formatValue,
  GITHUB_COMMENT_LIMIT,
  MARK,
  renderMarkdown,
  summaryLine,
  type MarkdownOptions,
} from "./render/markdown";
export { renderText } from "./render/text";
