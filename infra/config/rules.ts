import { brokerRules, databaseRules } from "@causeway/components";

/** One rule the config loader enforces before anything is created, and where it comes from. */
export interface ConfigRule {
  /** The key path it judges, e.g. `causeway:edge.domain`. */
  readonly key: string;
  /** What it requires. */
  readonly rule: string;
  /** Its source: the upstream document or code that states the fact, or Causeway's policy. */
  readonly source: string;
}

const CONSUL_K8S = "https://github.com/hashicorp/consul-k8s/tree/v1.9.11";
const ELB_LOGS =
  "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html";
const POLICY = "Causeway policy (the policy pack's rule of the same intent is the second line)";

/**
 * The rules of the config layer, each with its source, for the README's config reference.
 * The Amazon MQ and RDS rules are the components' own rule tables, run by the config too.
 */
export const CONFIG_RULES: readonly ConfigRule[] = [
  {
    key: "<namespace>:<key>",
    rule: "only the causeway, aws, kubernetes and pulumi namespaces; a near-miss of causeway is named with did-you-mean",
    source: "https://www.pulumi.com/docs/iac/concepts/config/ (namespaced keys)",
  },
  {
    key: "<key> outside config:",
    rule: "keys at the top of the stack file, outside config:, are refused (Pulumi ignores them)",
    source:
      "https://www.pulumi.com/docs/iac/concepts/projects/stack-settings-file/ (top-level keys: config, secretsprovider, encryptedkey, encryptionsalt, environment)",
  },
  {
    key: "aws:region",
    rule: "required, and an AWS Region code (table AWS_REGIONS in infra/config/catalogue.ts)",
    source: "https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html",
  },
  {
    key: "aws:allowedAccountIds",
    rule: "12-digit account ids; one id is the stack's account every ARN must name (else the account of causeway:cluster.oidcProviderArn)",
    source: "https://www.pulumi.com/registry/packages/aws/installation-configuration/",
  },
  {
    key: "causeway:environment",
    rule: "a stack named dev, staging or prod has that environment; production rules key on the environment, never on the stack name",
    source: POLICY,
  },
  {
    key: "causeway:cluster.oidcProviderArn",
    rule: "in the stack's account, with an EKS issuer (oidc.eks.<region>.amazonaws.com) of aws:region",
    source:
      "https://docs.aws.amazon.com/eks/latest/userguide/enable-iam-roles-for-service-accounts.html",
  },
  {
    key: "causeway:network",
    rule: "subnet CIDRs are network addresses inside vpcCidr, one per subnet id, never overlapping or repeated within or across the lists; no subnet id is both public and private",
    source: "https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html",
  },
  {
    key: "causeway:edge.allowedCidrs, causeway:broker.consoleAllowedCidrs",
    rule: "each CIDR is a network address (10.0.0.1/16 is refused: did you mean 10.0.0.0/16?)",
    source: "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
  },
  {
    key: "causeway:edge.certificateArn",
    rule: "names the stack's account and aws:region (an ALB takes only a certificate of its own Region), in the Region's partition",
    source:
      "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/https-listener-certificates.html",
  },
  {
    key: "causeway:edge.zoneName, causeway:edge.domain",
    rule: "zoneName is given with zoneId, and domain lies inside it",
    source:
      "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-creating.html",
  },
  {
    key: "causeway:edge.certificateNames, causeway:services.<name>.expose.host",
    rule: "certificateNames is given with certificateArn; domain and every exposed host are covered by the certificate's names (a wildcard covers one label)",
    source: "https://www.rfc-editor.org/rfc/rfc6125#section-6.4.3",
  },
  {
    key: "causeway:services.<name>.expose",
    rule: "no two services claim the same host and path, trailing slashes ignored as on the ALB (routeKey of the public load balancer)",
    source:
      "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html",
  },
  {
    key: "causeway:services.<name>.port",
    rule: "not a port the Consul sidecar binds in the pod: 15001, 19000, 20000, 20100, 20200, 20300, 20400, 20500, 20600, 21000",
    source: `${CONSUL_K8S}/control-plane/connect-inject (constants/constants.go, webhook/consul_dataplane_sidecar.go), charts/consul/values.yaml`,
  },
  {
    key: "causeway:services.<name>",
    rule: 'a service is not named "consul", the name Consul registers its servers under',
    source:
      "https://developer.hashicorp.com/consul/docs/services/configuration/services-configuration-reference",
  },
  {
    key: "causeway:services.<name>.resources, causeway:consul.resources",
    rule: "every request is at most its limit (CPU in cores or millicores, memory in Mi or Gi)",
    source: "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
  },
  {
    key: "causeway:services.<name>.env",
    rule: "no credential-looking name (PASSWORD, SECRET, TOKEN, API_KEY, PRIVATE_KEY, ACCESS_KEY, CREDENTIALS) and no secure: value: those go to secretEnv",
    source: POLICY,
  },
  {
    key: "causeway:services.<name>.secretEnv",
    rule: "an existing Secret { secretName, key } (not another service's platform Secret), or a secure: value stored in Secret <name>-env for that service only",
    source: "https://kubernetes.io/docs/concepts/configuration/secret/",
  },
  {
    key: "causeway:consul.chartVersion, causeway:consul.consulVersion",
    rule: "the pair is one the chart ships (chart 1.9.11: consul 1.22.7); a swapped pair is named as such",
    source: `${CONSUL_K8S}/charts/consul/Chart.yaml`,
  },
  {
    key: "causeway:edge.controller.chartVersion",
    rule: "a chart version whose IAM policy is bundled (3.5.0: controller v3.5.0)",
    source:
      "https://github.com/aws/eks-charts/blob/master/stable/aws-load-balancer-controller/Chart.yaml",
  },
  {
    key: "causeway:broker.maintenanceWindow.timeZone",
    rule: "an IANA time zone (did-you-mean from Intl.supportedValuesOf) or a UTC offset",
    source:
      "https://docs.aws.amazon.com/amazon-mq/latest/api-reference/brokers.html (WeeklyStartTime)",
  },
  {
    key: "aws:region (access logs)",
    rule: "the ALB access-log bucket grants the Region's ELB account only in Regions older than August 2022; every Region gets the logdelivery.elasticloadbalancing.amazonaws.com principal",
    source: ELB_LOGS,
  },
  {
    key: "causeway:edge (prod)",
    rule: "deletionProtection, accessLogs.enabled and waf.enabled are true when causeway:environment is prod",
    source: POLICY,
  },
  {
    key: "causeway:consul.servers (prod)",
    rule: "at least 3 servers when causeway:environment is prod",
    source: "https://developer.hashicorp.com/consul/docs/architecture/consensus (quorum)",
  },
  {
    key: "causeway:broker, causeway:database (prod)",
    rule: "a CLUSTER_MULTI_AZ broker of a production instance type; a multi-AZ, deletion-protected database with a final snapshot and 7 days of backups",
    source:
      "https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/best-practices-broker-setup.html; https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.html",
  },
  ...brokerRules.map((r) => ({
    key: `causeway:broker.${r.field === "brokerName" ? "name" : r.field}`,
    rule: r.id,
    source: r.source,
  })),
  ...databaseRules.map((r) => ({
    key:
      r.field === "subnetIds"
        ? "causeway:network.privateSubnetIds"
        : `causeway:database.${r.field}`,
    rule: r.id,
    source: r.source,
  })),
];
