import { replaces, TF } from "./replaces";
import type { FactsTable } from "./types";

const WAF_ACL = `${TF}/wafv2/web_acl.go`;
const WAF_ASSOC = `${TF}/wafv2/web_acl_association.go`;

/** WAF web ACLs and their associations. */
export const wafv2Facts: FactsTable = {
  family: "AWS WAF",
  replacements: [
    ...replaces("aws:wafv2/webAcl:WebAcl", WAF_ACL, ["name", "namePrefix", "scope"]),
    ...replaces("aws:wafv2/webAclAssociation:WebAclAssociation", WAF_ASSOC, [
      "resourceArn",
      "webAclArn",
    ]),
  ],
  stateful: [],
  storageChanges: [],
};
