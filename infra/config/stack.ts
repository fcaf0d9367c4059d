import { AWS_REGIONS, awsRegions } from "./catalogue";
import { didYouMean } from "./did-you-mean";
import { found, type ConfigIssue } from "./errors";

/** What the rules of every section may read about the stack itself. */
export interface StackFacts {
  /** `aws:region`, when it is a known Region. */
  readonly region?: string | undefined;
  /** The stack's AWS account, from `aws:allowedAccountIds` when it names exactly one. */
  readonly accountId?: string | undefined;
}

/**
 * Config namespaces a Causeway stack may use: its own, and those of the providers and engine
 * the program runs with. Any other namespace is read by nobody, so its keys would be ignored.
 */
export const KNOWN_NAMESPACES = ["causeway", "aws", "kubernetes", "pulumi"] as const;

interface RawView {
  readonly values: Readonly<Record<string, string>>;
  readonly outsideConfig?: readonly string[];
}

/**
 * Rules on the stack as a whole, before any section: every key in a known namespace and inside
 * `config:`, and `aws:region` a Region AWS has. Pushes its problems to `issues`.
 */
export function checkStack(raw: RawView, issues: ConfigIssue[]): StackFacts {
  for (const key of raw.outsideConfig ?? []) {
    issues.push({
      path: key,
      message: `is written outside config: in the stack file, so Pulumi ignores it; indent it under config:`,
    });
  }
  for (const key of Object.keys(raw.values).sort()) {
    const colon = key.indexOf(":");
    const namespace = colon < 0 ? "" : key.slice(0, colon);
    if ((KNOWN_NAMESPACES as readonly string[]).includes(namespace)) continue;
    const hint = namespace ? didYouMean(namespace, ["causeway"]) : undefined;
    issues.push({
      path: key,
      message: `unknown config namespace "${namespace}"${hint ? ` (did you mean "${hint}:${key.slice(colon + 1)}"?)` : ""}, so no program reads this key; use one of ${KNOWN_NAMESPACES.join(", ")}`,
    });
  }

  let region: string | undefined;
  const givenRegion = raw.values["aws:region"];
  if (givenRegion === undefined) {
    issues.push({
      path: "aws:region",
      message:
        "is required: the Region of the cluster and of everything the stack creates; set it with pulumi config set aws:region <region>, such as eu-west-1",
    });
  } else if (!(givenRegion in AWS_REGIONS)) {
    const hint = didYouMean(givenRegion, awsRegions);
    issues.push({
      path: "aws:region",
      message: `must be an AWS Region code${hint ? ` (did you mean "${hint}"?)` : ""}, such as eu-west-1; known Regions: ${awsRegions.join(", ")} (found ${found(givenRegion)})`,
    });
  } else {
    region = givenRegion;
  }

  let accountId: string | undefined;
  const allowed = raw.values["aws:allowedAccountIds"];
  if (allowed !== undefined) {
    let ids: unknown;
    try {
      ids = JSON.parse(allowed);
    } catch {
      ids = allowed;
    }
    const list = Array.isArray(ids) ? ids : [ids];
    list.forEach((id, i) => {
      if (typeof id !== "string" || !/^\d{12}$/.test(id)) {
        issues.push({
          path: `aws:allowedAccountIds[${i}]`,
          message: `must be a 12-digit AWS account id, as a string (found ${found(id)})`,
        });
      }
    });
    if (list.length === 1 && typeof list[0] === "string" && /^\d{12}$/.test(list[0])) {
      accountId = list[0];
    }
  }
  return { region, accountId };
}
