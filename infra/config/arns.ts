import { AWS_REGIONS } from "./catalogue";
import { found, type ConfigIssue } from "./errors";

/** The parts of an ARN: `arn:<partition>:<service>:<region>:<account>:<resource>`. */
export function arnParts(
  arn: string,
): { partition: string; service: string; region: string; account: string } | undefined {
  const m = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$/.exec(arn);
  return m ? { partition: m[1]!, service: m[2]!, region: m[3]!, account: m[4]! } : undefined;
}

/**
 * An ARN's region and account against the stack's (`aws:region`, and the account from
 * `aws:allowedAccountIds` or the cluster's OIDC provider). `regional` ARNs (ACM, MQ, RDS) must
 * carry a region; global ones (IAM) must carry none. Every ARN here names an account.
 */
export function arnIssues(
  path: string,
  arn: string,
  stack: { region?: string | undefined; accountId?: string | undefined },
  regional: boolean,
): ConfigIssue[] {
  const parts = arnParts(arn);
  if (!parts) return [];
  const issues: ConfigIssue[] = [];
  if (parts.account === "") {
    issues.push({
      path,
      message: `has no account: the ${parts.service} ARN must name the 12-digit account that owns it${stack.accountId ? ` (${stack.accountId})` : ""} (found ${found(arn)})`,
    });
  } else if (stack.accountId && parts.account !== stack.accountId) {
    issues.push({
      path,
      message: `is in account ${parts.account}, but the stack deploys to account ${stack.accountId} (aws:allowedAccountIds, else causeway:cluster.oidcProviderArn); use the ARN from that account (found ${found(arn)})`,
    });
  }
  if (regional) {
    if (parts.region === "") {
      issues.push({
        path,
        message: `has no region: the ${parts.service} ARN must name its Region, aws:region${stack.region ? ` (${stack.region})` : ""} (found ${found(arn)})`,
      });
    } else if (stack.region && parts.region !== stack.region) {
      issues.push({
        path,
        message: `is in ${parts.region}, but the stack deploys to aws:region ${stack.region}, and the ${parts.service} resource must be in that Region; use one from ${stack.region} (found ${found(arn)})`,
      });
    }
  }
  const partition = stack.region ? AWS_REGIONS[stack.region]?.partition : undefined;
  if (partition && parts.partition !== partition) {
    issues.push({
      path,
      message: `is in partition ${parts.partition}, but aws:region ${stack.region} is in ${partition}: start the ARN with arn:${partition}: (found ${found(arn)})`,
    });
  }
  return issues;
}
