import * as aws from "../shared/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Ports } from "../shared/contract";
import {
  DATABASE_SECRET_KEY,
  DATABASE_PASSWORD_SPEC,
  databaseSecretName,
  parameterGroupFamily,
  parameterGroupNamePrefix,
  postgresUrl,
  securityGroupNamePrefix,
} from "./connection";
import { POSTGRES_PARAMETERS } from "./parameters";
import { checkDatabasePassword, checkDatabaseSettings, type DatabaseSettings } from "./rules";
import { ComponentArgsError } from "../shared/errors";
import { checkedWhenKnown, plainStrings } from "../shared/inputs";
import { isDns1123Label } from "../shared/validators";
import { formerType } from "../shared/type-token";

/** Where to write one `DATABASE_URL` Secret per service. */
export interface DatabaseServiceSecrets {
  /** The provider of the cluster the services run in (never the ambient kubeconfig). */
  readonly provider: k8s.Provider;
  readonly namespace: pulumi.Input<string>;
  /** Services that get a `<service>-database` Secret. */
  readonly services: readonly string[];
}

/**
 * Arguments of Database. The settings AWS validates only at apply time are plain values, so the
 * component can check them against RDS's rules before creating anything.
 */
export interface DatabaseArgs {
  /** The VPC of the database's security group (the cluster's). Required. */
  readonly vpcId: pulumi.Input<string>;
  /**
   * Private subnets in at least two AZs, for the DB subnet group. Outputs are accepted (a
   * network made in the same program); they are checked once their values are known.
   */
  readonly subnetIds: pulumi.Input<readonly pulumi.Input<string>[]>;
  /**
   * Security groups allowed to connect on 5432, by a stable key used in the rule's name, e.g.
   * `{ cluster: <EKS cluster security group> }`. Required: nothing else may connect.
   */
  readonly clientSecurityGroupIds: Readonly<Record<string, pulumi.Input<string>>>;
  /** RDS instance identifier. Default: the component name. */
  readonly identifier?: string;
  /** PostgreSQL major version, pinned; RDS applies minor versions. Default `DATABASE_DEFAULTS.engineVersion`. */
  readonly engineVersion?: string;
  /** RDS instance class. Default `DATABASE_DEFAULTS.instanceClass`. */
  readonly instanceClass?: string;
  /** gp3 storage in GiB (20-65536). Default `DATABASE_DEFAULTS.allocatedStorage`. */
  readonly allocatedStorage?: number;
  /** Storage autoscaling ceiling in GiB, at least 10% above allocatedStorage; 0 is off. Default: off. */
  readonly maxAllocatedStorage?: number;
  /** Standby in a second AZ. Default `DATABASE_DEFAULTS.multiAz`. */
  readonly multiAz?: boolean;
  /** Automated backup retention in days (0-35). Default `DATABASE_DEFAULTS.backupRetentionDays`. */
  readonly backupRetentionDays?: number;
  /** Refuse DeleteDBInstance. Default `DATABASE_DEFAULTS.deletionProtection`. */
  readonly deletionProtection?: boolean;
  /**
   * Apply modifications (instance class, major version, parameter group) during `pulumi up`
   * rather than in the RDS maintenance window. Default `DATABASE_DEFAULTS.applyImmediately`:
   * you pick the window by when you deploy. With false, a major version upgrade is deferred
   * while its new parameter group is attached, and the deploy fails deleting the old group,
   * which the instance still uses until the window.
   */
  readonly applyImmediately?: boolean;
  /** Take a final snapshot `<identifier>-final` on deletion. Default `DATABASE_DEFAULTS.finalSnapshot`. */
  readonly finalSnapshot?: boolean;
  /** The database the services share (each in its own schema). Default `DATABASE_DEFAULTS.databaseName`. */
  readonly databaseName?: string;
  /** Master user name. Default `DATABASE_DEFAULTS.masterUsername`. Its password is always generated. */
  readonly masterUsername?: string;
  /** Write each service's `DATABASE_URL` to a Kubernetes Secret. Default: no Secrets. */
  readonly serviceSecrets?: DatabaseServiceSecrets;
  /**
   * Protect the instance and its password, and keep the instance when it leaves the program.
   * Default false. Production stacks set true.
   */
  readonly protect?: boolean;
  /** Tags for every AWS resource. Default `{}`. */
  readonly tags?: Readonly<Record<string, string>>;
}

export const DATABASE_DEFAULTS = {
  engineVersion: "17",
  instanceClass: "db.m7g.large",
  allocatedStorage: 100,
  multiAz: true,
  backupRetentionDays: 7,
  deletionProtection: true,
  finalSnapshot: true,
  applyImmediately: true,
  databaseName: "causeway",
  masterUsername: "causeway_admin",
  performanceInsightsRetentionDays: 7,
} as const;

/**
 * Amazon RDS for PostgreSQL: private, encrypted, TLS-only, with Performance Insights, reachable
 * on 5432 only from the given security groups. Each service gets its own `DATABASE_URL` Secret.
 */
export class Database extends pulumi.ComponentResource {
  /** Host name of the instance. */
  readonly address: pulumi.Output<string>;
  readonly port: number;
  readonly arn: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  readonly databaseName: string;
  readonly masterUsername: string;
  /** The connection URL with master credentials; a Pulumi secret. */
  readonly connectionUrl: pulumi.Output<string>;
  /** Secret names by service. */
  readonly secretNames: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: DatabaseArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("causeway:index:Database", name, {}, formerType("causeway:data:Database", opts));

    const d = DATABASE_DEFAULTS;
    // Plain subnet ids are checked now with every other argument; Outputs once known (below).
    const plainSubnetIds = plainStrings(args.subnetIds);
    const settings: DatabaseSettings = {
      identifier: args.identifier ?? name,
      engineVersion: args.engineVersion ?? d.engineVersion,
      instanceClass: args.instanceClass ?? d.instanceClass,
      allocatedStorage: args.allocatedStorage ?? d.allocatedStorage,
      maxAllocatedStorage: args.maxAllocatedStorage,
      backupRetentionDays: args.backupRetentionDays ?? d.backupRetentionDays,
      databaseName: args.databaseName ?? d.databaseName,
      masterUsername: args.masterUsername ?? d.masterUsername,
      subnetIds: plainSubnetIds ?? [],
    };
    const described = (s: DatabaseSettings) => (v: { field: string; message: string }) =>
      `${v.field}: ${v.message} (found ${JSON.stringify(s[v.field as keyof DatabaseSettings])})`;
    const problems = checkDatabaseSettings(settings)
      .filter((v) => plainSubnetIds !== undefined || v.field !== "subnetIds")
      .map(described(settings));
    if (Object.keys(args.clientSecurityGroupIds).length === 0) {
      problems.push(
        "clientSecurityGroupIds: give at least one security group allowed to connect on 5432 (e.g. the EKS cluster security group)",
      );
    }
    for (const service of args.serviceSecrets?.services ?? []) {
      if (!isDns1123Label(service, 54)) {
        problems.push(
          `serviceSecrets.services: "${service}" must be a DNS-1123 label of at most 54 characters, so "${databaseSecretName(service)}" is a valid Secret name`,
        );
      }
    }
    if (problems.length > 0) throw new ComponentArgsError("Database", name, problems, this);

    const tags = { ...args.tags };
    const identifier = settings.identifier;
    const protect = args.protect === true;

    const subnetIds: pulumi.Input<string[]> = plainSubnetIds
      ? [...plainSubnetIds]
      : checkedWhenKnown(
          args.subnetIds as pulumi.Input<string[]>,
          (ids) => {
            const known = { ...settings, subnetIds: ids };
            return checkDatabaseSettings(known)
              .filter((v) => v.field === "subnetIds")
              .map(described(known));
          },
          { type: "Database", name, resource: this },
        );

    // Fixed names and replacements. A change that forces a replacement creates the new resource
    // before it deletes the old one, unless deleteBeforeReplace; AWS refuses a second resource of
    // a name that must be unique. Per resource:
    // - security group: names are unique per VPC, and the instance moves to a new group in place
    //   (ModifyDBInstance VpcSecurityGroupIds, applied at once, no outage), while deleting a group
    //   the instance still uses fails. So it is auto-named from a prefix: a replacement gets a
    //   new name, the instance moves, the old group is deleted last.
    // - subnet group, instance: fixed names (see below), deleteBeforeReplace.
    // - parameter group: auto-named from an identifier-and-family prefix (see below).
    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        namePrefix: securityGroupNamePrefix(identifier),
        description: `RDS PostgreSQL ${identifier}: 5432 from the cluster only`,
        vpcId: args.vpcId,
        tags: { ...tags, Name: `${identifier}-postgres` },
      },
      { parent: this },
    );
    const ingressRules: aws.vpc.SecurityGroupIngressRule[] = [];
    for (const key of Object.keys(args.clientSecurityGroupIds).sort()) {
      const rule = new aws.vpc.SecurityGroupIngressRule(
        `${name}-postgres-from-${key}`,
        {
          securityGroupId: securityGroup.id,
          description: `PostgreSQL (TLS enforced) from ${key}`,
          ipProtocol: "tcp",
          fromPort: Ports.postgres,
          toPort: Ports.postgres,
          referencedSecurityGroupId: args.clientSecurityGroupIds[key],
          tags,
        },
        { parent: this },
      );
      ingressRules.push(rule);
    }

    // The subnet group keeps the identifier as its name (unique per account and Region): it is
    // replaced only when its name changes, that is when the identifier changes, which replaces
    // the instance too (deleteBeforeReplace). A group cannot be deleted while an instance uses
    // it, nor swapped in place for one in the same VPC, so creating first would buy nothing;
    // deleting first frees the name.
    const subnetGroup = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      {
        name: identifier,
        description: `Private subnets of RDS PostgreSQL ${identifier}`,
        subnetIds,
        tags,
      },
      { parent: this, deleteBeforeReplace: true },
    );

    // A major upgrade (17 -> 18) changes the family, which replaces the group: the new group is
    // created first, the instance switches to it in the same ModifyDBInstance as the engine
    // version (RDS requires a group of the new family there), and the old group is deleted
    // last, once no instance uses it. Auto-named from a prefix (identifier and family, then a
    // unique suffix), so no replacement (a description edit, say) can collide on the name.
    const family = parameterGroupFamily(settings.engineVersion);
    const parameterGroup = new aws.rds.ParameterGroup(
      `${name}-params`,
      {
        namePrefix: parameterGroupNamePrefix(identifier, settings.engineVersion),
        family,
        description: `Causeway PostgreSQL ${settings.engineVersion}: TLS only, slow query log`,
        parameters: POSTGRES_PARAMETERS.map((p) => ({ ...p })),
        tags,
      },
      { parent: this },
    );

    const password = new random.RandomPassword(
      `${name}-master-password`,
      { ...DATABASE_PASSWORD_SPEC },
      { parent: this, protect },
    );

    const finalSnapshot = args.finalSnapshot ?? d.finalSnapshot;
    const instance = new aws.rds.Instance(
      name,
      {
        identifier,
        engine: "postgres",
        engineVersion: settings.engineVersion,
        // Past the RDS end of standard support, upgrade instead of enrolling in paid support.
        engineLifecycleSupport: "open-source-rds-extended-support-disabled",
        autoMinorVersionUpgrade: true,
        // engineVersion is a pinned major, and RDS never upgrades a major on its own (automatic
        // upgrades are minor only); this lets a change of the pinned major (17 -> 18) through,
        // which ModifyDBInstance otherwise refuses ("The AllowMajorVersionUpgrade flag must be
        // present when upgrading to a new major version"). The plan diff flags the change.
        // Source: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html
        allowMajorVersionUpgrade: true,
        instanceClass: settings.instanceClass,
        storageType: "gp3",
        allocatedStorage: settings.allocatedStorage,
        maxAllocatedStorage: settings.maxAllocatedStorage,
        storageEncrypted: true,
        multiAz: args.multiAz ?? d.multiAz,
        dbName: settings.databaseName,
        username: settings.masterUsername,
        password: pulumi.secret(password.result),
        port: Ports.postgres,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: [securityGroup.id],
        parameterGroupName: parameterGroup.name,
        publiclyAccessible: false,
        iamDatabaseAuthenticationEnabled: false,
        caCertIdentifier: "rds-ca-rsa2048-g1",
        backupRetentionPeriod: settings.backupRetentionDays,
        copyTagsToSnapshot: true,
        deletionProtection: args.deletionProtection ?? d.deletionProtection,
        skipFinalSnapshot: !finalSnapshot,
        finalSnapshotIdentifier: finalSnapshot ? `${identifier}-final` : undefined,
        performanceInsightsEnabled: true,
        performanceInsightsRetentionPeriod: d.performanceInsightsRetentionDays,
        enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
        applyImmediately: args.applyImmediately ?? d.applyImmediately,
        tags,
      },
      {
        parent: this,
        protect,
        retainOnDelete: protect,
        // Clients reach it through its new security group's rules as soon as it moves there.
        dependsOn: ingressRules,
        // The identifier is fixed (it names the endpoint, <identifier>.<id>.<region>.rds.amazonaws.com,
        // and the final snapshot), so a replacement created before the old instance is deleted
        // would collide on it; a replacement starts from an empty database either way (the final
        // snapshot is taken on delete). Protected (prod) instances are never replaced.
        deleteBeforeReplace: true,
        additionalSecretOutputs: ["password"],
      },
    );

    this.address = instance.address;
    this.port = Ports.postgres;
    this.arn = instance.arn;
    this.securityGroupId = securityGroup.id;
    this.databaseName = settings.databaseName;
    this.masterUsername = settings.masterUsername;
    this.connectionUrl = pulumi.secret(
      pulumi.all([instance.address, password.result]).apply(([host, p]) =>
        postgresUrl({
          host,
          database: settings.databaseName,
          username: settings.masterUsername,
          password: checkedPassword(p),
        }),
      ),
    );

    const secretNames: Record<string, pulumi.Output<string>> = {};
    const secrets = args.serviceSecrets;
    // Deduplicated: the service names the Secret, and two Secrets of one name would fail the program.
    for (const service of [...new Set(secrets?.services ?? [])].sort()) {
      const secret = new k8s.core.v1.Secret(
        `${name}-${service}-connection`,
        {
          metadata: {
            name: databaseSecretName(service),
            namespace: secrets!.namespace,
            labels: {
              "app.kubernetes.io/part-of": "causeway",
              "app.kubernetes.io/component": "database",
              "app.kubernetes.io/name": service,
            },
          },
          type: "Opaque",
          stringData: { [DATABASE_SECRET_KEY]: this.connectionUrl },
        },
        { parent: this, provider: secrets!.provider },
      );
      secretNames[service] = secret.metadata.name;
    }
    this.secretNames = secretNames;

    this.registerOutputs({
      address: this.address,
      port: this.port,
      arn: this.arn,
      securityGroupId: this.securityGroupId,
      databaseName: this.databaseName,
      masterUsername: this.masterUsername,
      connectionUrl: this.connectionUrl,
      secretNames: this.secretNames,
    });
  }
}

/** The generated password always satisfies RDS; fail loudly if the spec ever drifts. */
function checkedPassword(password: string): string {
  const problems = checkDatabasePassword(password);
  if (problems.length > 0) {
    throw new Error(`generated master password breaks RDS's rules: ${problems.join("; ")}`);
  }
  return password;
}
