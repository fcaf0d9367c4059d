import { replaces, TF } from "./replaces";
import type { FactsTable } from "./types";

const IAM_ROLE = `${TF}/iam/role.go`;
const IAM_POLICY = `${TF}/iam/policy.go`;
const IAM_ATTACH = `${TF}/iam/role_policy_attachment.go`;
const IAM_ROLE_POLICY = `${TF}/iam/role_policy.go`;

/** IAM roles, policies and their attachments. */
export const iamFacts: FactsTable = {
  family: "AWS IAM",
  replacements: [
    ...replaces("aws:iam/role:Role", IAM_ROLE, ["name", "namePrefix", "path"]),
    ...replaces("aws:iam/policy:Policy", IAM_POLICY, ["name", "namePrefix", "path", "description"]),
    ...replaces("aws:iam/rolePolicyAttachment:RolePolicyAttachment", IAM_ATTACH, [
      "role",
      "policyArn",
    ]),
    ...replaces("aws:iam/rolePolicy:RolePolicy", IAM_ROLE_POLICY, ["name", "namePrefix", "role"]),
  ],
  stateful: [],
  storageChanges: [],
  uniqueNames: [
    {
      type: "aws:iam/role:Role",
      property: "name",
      scope: "in the account",
      refusal: "EntityAlreadyExists",
      prefixProperty: "namePrefix",
      source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
    },
    {
      type: "aws:iam/policy:Policy",
      property: "name",
      scope: "in the account (and path)",
      refusal: "EntityAlreadyExists",
      prefixProperty: "namePrefix",
      source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html",
    },
  ],
};
