/**
 * What Amazon MQ for RabbitMQ rejects only at apply time (after minutes of provisioning), as
 * data: each rule names the setting it checks and the source it comes from. The config loader
 * (`causeway:broker`) and the MessageBroker component run the same rules, so a stack learns of
 * a problem from `npm start` and a consumer of the component learns of it at construction.
 */

/** Deployment modes of a RabbitMQ broker. (ACTIVE_STANDBY_MULTI_AZ is ActiveMQ only.) */
export const BrokerDeploymentMode = {
  singleInstance: "SINGLE_INSTANCE",
  clusterMultiAz: "CLUSTER_MULTI_AZ",
} as const;
export type BrokerDeploymentMode = (typeof BrokerDeploymentMode)[keyof typeof BrokerDeploymentMode];
export const brokerDeploymentModes: readonly BrokerDeploymentMode[] =
  Object.values(BrokerDeploymentMode);

// Source: https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-version-management.html
// "When you create a new Amazon MQ for RabbitMQ broker, you only need to specify the major and
// minor version numbers"; "Amazon MQ supports RabbitMQ 4.2 ... only on the mq.m7g instance
// type"; "RabbitMQ 3.13 ... on mq.t3, mq.m5, and mq.m7g instance types".
/** Engine versions Amazon MQ for RabbitMQ accepts for new brokers (major.minor). */
export const RABBITMQ_ENGINE_VERSIONS = ["3.13", "4.2"] as const;
export type RabbitMqEngineVersion = (typeof RABBITMQ_ENGINE_VERSIONS)[number];

/** Instance families each engine version runs on. */
export const RABBITMQ_FAMILIES_BY_VERSION: Readonly<
  Record<RabbitMqEngineVersion, readonly string[]>
> = {
  "3.13": ["mq.t3", "mq.m5", "mq.m7g"],
  "4.2": ["mq.m7g"],
};

// Source: https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-sizing-guidelines.html
// and https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-resource-hard-limit.html
// (the sizing tables list every RabbitMQ instance type; the cluster tables list no mq.t3 type).
/** Host instance types Amazon MQ offers for RabbitMQ. */
export const RABBITMQ_INSTANCE_TYPES = [
  "mq.t3.micro",
  "mq.m5.large",
  "mq.m5.xlarge",
  "mq.m5.2xlarge",
  "mq.m5.4xlarge",
  "mq.m7g.medium",
  "mq.m7g.large",
  "mq.m7g.xlarge",
  "mq.m7g.2xlarge",
  "mq.m7g.4xlarge",
  "mq.m7g.8xlarge",
  "mq.m7g.12xlarge",
  "mq.m7g.16xlarge",
] as const;

/** Instance types that run a single instance only (no cluster sizing exists for them). */
export const SINGLE_INSTANCE_ONLY_TYPES: readonly string[] = ["mq.t3.micro"];

// Source: https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-sizing-guidelines.html
// "Smaller broker instance types (t3.micro) are recommended only for testing application
// performance"; "m7g.medium ... recommended only for testing application performance".
/** Instance types AWS recommends for evaluation and testing only. */
export const EVALUATION_INSTANCE_TYPES: readonly string[] = ["mq.t3.micro", "mq.m7g.medium"];

/** The family of an instance type: `mq.m7g.large` -> `mq.m7g`. */
export function instanceFamily(instanceType: string): string {
  return instanceType.split(".").slice(0, 2).join(".");
}

/** The settings of a broker the rules check, as plain values. */
export interface BrokerSettings {
  readonly brokerName: string;
  readonly engineVersion: string;
  readonly instanceType: string;
  readonly deploymentMode: string;
  readonly subnetIds: readonly string[];
  readonly adminUsername: string;
  readonly publiclyAccessible: boolean;
  /** How many security groups the broker is given. */
  readonly securityGroupCount: number;
}

/** One rule: the setting it checks, its source, and the problem it finds (or undefined). */
export interface BrokerRule {
  readonly id: string;
  readonly field: keyof BrokerSettings;
  readonly source: string;
  readonly check: (s: BrokerSettings) => string | undefined;
}

/** A broken rule: which setting, and what would be valid. */
export interface RuleViolation {
  readonly rule: string;
  readonly field: string;
  readonly message: string;
}

const MQ_DOCS = "https://docs.aws.amazon.com/amazon-mq/latest/developer-guide";
const MQ_API_USER =
  "https://docs.aws.amazon.com/amazon-mq/latest/api-reference/brokers-broker-id-users-username.html";
const MQ_API_CREATE = "https://docs.aws.amazon.com/amazon-mq/latest/api-reference/brokers.html";

export const brokerRules: readonly BrokerRule[] = [
  {
    id: "mq-broker-name",
    field: "brokerName",
    source: `${MQ_API_CREATE} (CreateBroker, brokerName)`,
    check: (s) =>
      /^[0-9A-Za-z_-]{1,50}$/.test(s.brokerName)
        ? undefined
        : "must be 1-50 letters, digits, '-' or '_' (no spaces, brackets or wildcards)",
  },
  {
    id: "mq-engine-version-major-minor",
    field: "engineVersion",
    source: `${MQ_DOCS}/rabbitmq-version-management.html`,
    check: (s) =>
      /^\d+\.\d+$/.test(s.engineVersion)
        ? undefined
        : `must be major.minor only, such as 4.2: Amazon MQ picks and upgrades the patch version`,
  },
  {
    id: "mq-engine-version-supported",
    field: "engineVersion",
    source: `${MQ_DOCS}/rabbitmq-version-management.html`,
    check: (s) =>
      !/^\d+\.\d+$/.test(s.engineVersion) ||
      (RABBITMQ_ENGINE_VERSIONS as readonly string[]).includes(s.engineVersion)
        ? undefined
        : `must be an engine version Amazon MQ for RabbitMQ supports: ${RABBITMQ_ENGINE_VERSIONS.join(", ")}`,
  },
  {
    id: "mq-instance-type-known",
    field: "instanceType",
    source: `${MQ_DOCS}/rabbitmq-sizing-guidelines.html`,
    check: (s) =>
      (RABBITMQ_INSTANCE_TYPES as readonly string[]).includes(s.instanceType)
        ? undefined
        : `must be an Amazon MQ for RabbitMQ instance type: ${RABBITMQ_INSTANCE_TYPES.join(", ")}`,
  },
  {
    id: "mq-engine-version-instance-family",
    field: "instanceType",
    source: `${MQ_DOCS}/rabbitmq-version-management.html`,
    check: (s) => {
      const families =
        RABBITMQ_FAMILIES_BY_VERSION[s.engineVersion as RabbitMqEngineVersion] ?? undefined;
      if (!families || !(RABBITMQ_INSTANCE_TYPES as readonly string[]).includes(s.instanceType)) {
        return undefined; // reported by the rules above
      }
      return families.includes(instanceFamily(s.instanceType))
        ? undefined
        : `RabbitMQ ${s.engineVersion} runs only on ${families.map((f) => `${f}.*`).join(", ")} instance types`;
    },
  },
  {
    id: "mq-deployment-mode-instance-type",
    field: "deploymentMode",
    source: `${MQ_DOCS}/rabbitmq-sizing-guidelines.html`,
    check: (s) =>
      s.deploymentMode === BrokerDeploymentMode.clusterMultiAz &&
      SINGLE_INSTANCE_ONLY_TYPES.includes(s.instanceType)
        ? `CLUSTER_MULTI_AZ needs three nodes of a cluster-capable instance type; ${s.instanceType} runs SINGLE_INSTANCE only`
        : undefined,
  },
  {
    // AWS: "A SINGLE_INSTANCE deployment requires one subnet"; "If you specify more than one
    // subnet, the subnets must be in different Availability Zones" (CreateBroker subnetIds).
    // Causeway asks a cluster for at least two subnets, so its three nodes span AZs.
    id: "mq-deployment-mode-subnets",
    field: "subnetIds",
    source: `${MQ_API_CREATE} (CreateBroker, subnetIds)`,
    check: (s) => {
      const distinct = new Set(s.subnetIds).size;
      if (distinct !== s.subnetIds.length) return "lists a subnet more than once";
      if (s.deploymentMode === BrokerDeploymentMode.singleInstance && s.subnetIds.length !== 1) {
        return `a SINGLE_INSTANCE broker takes exactly one subnet, found ${s.subnetIds.length}`;
      }
      if (s.deploymentMode === BrokerDeploymentMode.clusterMultiAz && s.subnetIds.length < 2) {
        return `a CLUSTER_MULTI_AZ broker needs private subnets in at least two Availability Zones, found ${s.subnetIds.length}`;
      }
      return undefined;
    },
  },
  {
    id: "mq-username-format",
    field: "adminUsername",
    source: `${MQ_API_USER} (User.username, RabbitMQ)`,
    check: (s) =>
      /^[A-Za-z0-9._-]{2,100}$/.test(s.adminUsername)
        ? undefined
        : "must be 2-100 characters of letters, digits, '-', '.' or '_' (no '~')",
  },
  {
    id: "mq-username-not-guest",
    field: "adminUsername",
    source: `${MQ_DOCS}/best-practices-broker-setup.html`,
    check: (s) =>
      s.adminUsername === "guest"
        ? 'must not be "guest": Amazon MQ deletes any user named guest'
        : undefined,
  },
  {
    id: "mq-public-broker-security-groups",
    field: "publiclyAccessible",
    // The CreateBroker API answers: "Broker with [publiclyAccessible] set to true does not
    // support specifying [securityGroups]" (as quoted in cloudposse/terraform-aws-mq-broker#42).
    source: "https://github.com/cloudposse/terraform-aws-mq-broker/pull/42",
    check: (s) =>
      s.publiclyAccessible && s.securityGroupCount > 0
        ? "a publicly accessible RabbitMQ broker cannot take security groups; keep it private (the default) or give no security groups"
        : undefined,
  },
  {
    id: "mq-security-group-count",
    field: "securityGroupCount",
    source: `${MQ_API_CREATE} (CreateBroker, securityGroups: 5 maximum)`,
    check: (s) =>
      s.securityGroupCount > 5
        ? `takes at most 5 security groups, found ${s.securityGroupCount}`
        : undefined,
  },
];

/** Every rule `settings` breaks, in rule order. */
export function checkBrokerSettings(settings: BrokerSettings): RuleViolation[] {
  return brokerRules.flatMap((rule) => {
    const message = rule.check(settings);
    return message ? [{ rule: rule.id, field: rule.field, message }] : [];
  });
}

// Source: https://docs.aws.amazon.com/amazon-mq/latest/api-reference/brokers-broker-id-users-username.html
// "This value must be at least 12 characters long, must contain at least 4 unique characters,
// and must not contain commas, colons, or equal signs (,:=)." The provider caps it at 250.
export const BROKER_PASSWORD_RULES = {
  minLength: 12,
  maxLength: 250,
  minUniqueCharacters: 4,
  forbidden: [",", ":", "="],
  source: MQ_API_USER,
} as const;

/** What is wrong with a broker user's password, if anything (never echoes the password). */
export function checkBrokerPassword(password: string): string[] {
  const r = BROKER_PASSWORD_RULES;
  const problems: string[] = [];
  if (password.length < r.minLength || password.length > r.maxLength) {
    problems.push(
      `must be ${r.minLength}-${r.maxLength} characters long, found ${password.length}`,
    );
  }
  if (new Set(password).size < r.minUniqueCharacters) {
    problems.push(`must contain at least ${r.minUniqueCharacters} unique characters`);
  }
  const bad = r.forbidden.filter((c) => password.includes(c));
  if (bad.length > 0) {
    problems.push(`must not contain ${r.forbidden.map((c) => `'${c}'`).join(", ")}`);
  }
  return problems;
}
