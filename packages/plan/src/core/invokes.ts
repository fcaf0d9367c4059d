import { createHash } from "node:crypto";
import type { RawConfig } from "./config";

/** Answers one invoke from its inputs, deterministically; throws to fail the invoke. */
export type InvokeAnswer = (inputs: Record<string, unknown>) => Record<string, unknown>;

/** Answers by invoke token (e.g. `aws:index/getRegion:getRegion`). */
export type InvokeAnswers = Readonly<Record<string, InvokeAnswer>>;

/** Who and where the offline plan pretends to be. */
export interface AwsIdentity {
  readonly region: string;
  readonly accountId: string;
}

/** The region when the stack config sets no `aws:region`. */
export const DEFAULT_REGION = "us-east-1";
/** The account id of the offline plan (AWS's documentation example account). */
export const DEFAULT_ACCOUNT_ID = "123456789012";

/** What a missing answer's error tells the user to do, unless the caller says otherwise. */
export const DEFAULT_INVOKE_HINT =
  "pass an answer for it in the invoke table given to runPlan (answers come from stack config only, never from the cloud)";

/** A stable fake AWS id (`prefix-` + 17 hex digits) derived from `seed`. */
export function fakeAwsId(prefix: string, seed: string): string {
  return `${prefix}-${createHash("sha256").update(seed).digest("hex").slice(0, 17)}`;
}

/**
 * Elastic Load Balancing account ids per region, for ALB access-log bucket policies
 * (`aws.elb.getServiceAccount`). Source: AWS docs, "Enable access logs for your Application Load
 * Balancer", section "Step 2: Attach a policy to your S3 bucket" (regions available before
 * August 2022; newer regions grant the log delivery service instead, and have no account).
 */
export const elbAccountByRegion: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-west-3": "009996457667",
  "eu-central-1": "054676820928",
  "eu-north-1": "897822967062",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-northeast-1": "582318560864",
  "ca-central-1": "985666609251",
};

/**
 * Answers for the AWS invokes almost every program makes: identity, region, partition, AZs, and
 * the region's Elastic Load Balancing account.
 */
export function awsInvokes(c: AwsIdentity): InvokeAnswers {
  return {
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
      id: c.accountId,
      accountId: c.accountId,
      arn: `arn:aws:iam::${c.accountId}:role/offline-plan`,
      userId: "OFFLINEPLAN",
    }),
    "aws:index/getRegion:getRegion": () => ({
      id: c.region,
      name: c.region,
      region: c.region,
      description: c.region,
      endpoint: `ec2.${c.region}.amazonaws.com`,
    }),
    "aws:index/getPartition:getPartition": () => ({
      id: "aws",
      partition: "aws",
      dnsSuffix: "amazonaws.com",
      reverseDnsPrefix: "com.amazonaws",
    }),
    "aws:index/getAvailabilityZones:getAvailabilityZones": () => {
      const names = ["a", "b", "c"].map((l) => `${c.region}${l}`);
      return { id: c.region, names, zoneIds: names.map((_n, i) => `${c.region}-az${i + 1}`) };
    },
    "aws:elb/getServiceAccount:getServiceAccount": (inputs) => {
      const region = typeof inputs["region"] === "string" ? inputs["region"] : c.region;
      const account = elbAccountByRegion[region];
      if (!account) {
        throw new Error(
          `offline plan: no Elastic Load Balancing account is known for region ${region} ` +
            "(AWS lists one only for regions available before August 2022; newer regions grant the " +
            "logdelivery.elasticloadbalancing.amazonaws.com service instead)",
        );
      }
      return { id: account, arn: `arn:aws:iam::${account}:root`, region };
    },
  };
}

/** The default table: {@link awsInvokes} for the stack's `aws:region` and the default account. */
export function defaultInvokes(raw: RawConfig): InvokeAnswers {
  return awsInvokes({
    region: raw.values["aws:region"] ?? DEFAULT_REGION,
    accountId: DEFAULT_ACCOUNT_ID,
  });
}

/** Answers `token` from `answers`; an invoke without an answer fails the plan, with `hint`. */
export function answerInvoke(
  token: string,
  inputs: Record<string, unknown>,
  answers: InvokeAnswers,
  hint: string = DEFAULT_INVOKE_HINT,
): Record<string, unknown> {
  const answer = Object.hasOwn(answers, token) ? answers[token] : undefined;
  if (!answer) {
    throw new InvokeError(`offline plan: no deterministic answer for invoke "${token}"; ${hint}`);
  }
  try {
    return answer(inputs);
  } catch (e) {
    throw new InvokeError((e as Error).message);
  }
}

/** The SDK reports a failed invoke by the gRPC error's `details`, so set it. */
class InvokeError extends Error {
  readonly details: string;
  constructor(message: string) {
    super(message);
    this.name = "InvokeError";
    this.details = message;
  }
}
