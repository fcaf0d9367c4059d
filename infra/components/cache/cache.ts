import * as aws from "../shared/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ComponentArgsError } from "../shared/errors";
import { plainStrings } from "../shared/inputs";
import {
  authTokenProblem,
  AUTH_TOKEN_LENGTH,
  CACHE_DEFAULTS,
  cacheProblems,
  cacheUrl,
} from "./args";
import { formerType } from "../shared/type-token";

/** Where to write the connection URL Secret the services read. */
export interface CacheConnectionSecret {
  /** The provider of the cluster the services run in (never the ambient kubeconfig). */
  readonly provider: k8s.Provider;
  readonly namespace: pulumi.Input<string>;
  /** Secret name. Default `causeway-cache`. */
  readonly name?: string;
}

export interface CacheArgs {
  /** The VPC of `subnetIds`. Required. */
  readonly vpcId: pulumi.Input<string>;
  /** Private subnets for the nodes; two or more Availability Zones when `nodes` > 1. Required. */
  readonly subnetIds: pulumi.Input<readonly pulumi.Input<string>[]>;
  /**
   * Security groups allowed to connect on 6379, by a stable key used in the rule's name, e.g.
   * `{ cluster: <EKS cluster security group> }`. Required: nothing else may connect.
   */
  readonly clientSecurityGroupIds: Readonly<Record<string, pulumi.Input<string>>>;
  /** ElastiCache replication group id (1-40 letters, digits, hyphens). Default: the component name. */
  readonly replicationGroupId?: string;
  /** Valkey version, major.minor. Default `CACHE_DEFAULTS.engineVersion`. */
  readonly engineVersion?: string;
  /** Node type. Default `CACHE_DEFAULTS.nodeType`. */
  readonly nodeType?: string;
  /**
   * Nodes: 1 is a single primary; 2-6 are a primary and replicas in other Availability Zones,
   * with Multi-AZ and automatic failover. Default 1.
   */
  readonly nodes?: number;
  /** KMS key for encryption at rest. Default: the ElastiCache-managed key. */
  readonly kmsKeyArn?: pulumi.Input<string>;
  /** Write the connection URL (with the AUTH token) to a Kubernetes Secret. Default: no Secret. */
  readonly connectionSecret?: CacheConnectionSecret;
  /** Protect the replication group and its token, and keep it when it leaves the program. Default false. */
  readonly protect?: boolean;
  /** Tags for every AWS resource. Default `{}`. */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * ElastiCache for Valkey: a replication group in private subnets, reachable on 6379 only from
 * the given security groups, encrypted in transit (TLS required) and at rest, with a generated
 * AUTH token that reaches the services only inside a Kubernetes Secret. More than one node means
 * Multi-AZ with automatic failover.
 */
export class Cache extends pulumi.ComponentResource {
  /** The primary endpoint's host name (no credentials). */
  readonly primaryEndpoint: pulumi.Output<string>;
  /** `rediss://:<token>@<primary>:6379`; a Pulumi secret. */
  readonly connectionUrl: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  readonly replicationGroup: aws.elasticache.ReplicationGroup;
  /** Name of the Secret holding the URL, if one was asked for. */
  readonly secretName?: pulumi.Output<string>;

  constructor(name: string, args: CacheArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("causeway:index:Cache", name, {}, formerType("causeway:data:Cache", opts));
    const replicationGroupId = args.replicationGroupId ?? name;
    const nodes = args.nodes ?? CACHE_DEFAULTS.nodes;
    const subnets = plainStrings(args.subnetIds);
    const problems = cacheProblems({
      replicationGroupId,
      engineVersion: args.engineVersion ?? CACHE_DEFAULTS.engineVersion,
      nodeType: args.nodeType ?? CACHE_DEFAULTS.nodeType,
      nodes,
      subnetCount: subnets?.length,
    });
    const clients = Object.keys(args.clientSecurityGroupIds).sort();
    if (clients.length === 0) {
      problems.push(
        "clientSecurityGroupIds: give at least one security group allowed to connect on 6379 (e.g. the EKS cluster security group)",
      );
    }
    if (problems.length > 0) throw new ComponentArgsError("Cache", name, problems, this);

    const tags = { ...args.tags };
    const protection = { protect: args.protect === true };
    const port = CACHE_DEFAULTS.port;

    // Auto-named with a prefix: a replacement (a description edit) creates the new group first
    // without a name collision; the replication group's securityGroupIds update in place.
    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        namePrefix: `${replicationGroupId}-cache-`,
        description: `ElastiCache ${replicationGroupId}: Valkey (TLS) from the cluster only`,
        vpcId: args.vpcId,
        tags: { ...tags, Name: `${replicationGroupId}-cache` },
      },
      { parent: this },
    );
    for (const key of clients) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-valkey-from-${key}`,
        {
          securityGroupId: securityGroup.id,
          description: `Valkey over TLS from ${key}`,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          referencedSecurityGroupId: args.clientSecurityGroupIds[key],
          tags,
        },
        { parent: this },
      );
    }

    // Auto-named (Pulumi adds a suffix): a change of subnets replaces it without a collision.
    const subnetGroup = new aws.elasticache.SubnetGroup(
      `${name}-subnets`,
      {
        description: `ElastiCache ${replicationGroupId}: private subnets`,
        subnetIds: args.subnetIds as pulumi.Input<pulumi.Input<string>[]>,
        tags,
      },
      { parent: this },
    );

    const token = new random.RandomPassword(
      `${name}-auth-token`,
      { length: AUTH_TOKEN_LENGTH, special: false },
      { parent: this, ...protection },
    );

    const multiAz = nodes > 1;
    this.replicationGroup = new aws.elasticache.ReplicationGroup(
      name,
      {
        replicationGroupId,
        description: `Causeway shared cache (${replicationGroupId})`,
        engine: CACHE_DEFAULTS.engine,
        engineVersion: args.engineVersion ?? CACHE_DEFAULTS.engineVersion,
        nodeType: args.nodeType ?? CACHE_DEFAULTS.nodeType,
        numCacheClusters: nodes,
        automaticFailoverEnabled: multiAz,
        multiAzEnabled: multiAz,
        port,
        subnetGroupName: subnetGroup.name,
        securityGroupIds: [securityGroup.id],
        atRestEncryptionEnabled: true,
        ...(args.kmsKeyArn !== undefined && { kmsKeyId: args.kmsKeyArn }),
        transitEncryptionEnabled: true,
        transitEncryptionMode: "required",
        authToken: pulumi.secret(token.result),
        // A new token is added beside the old one, so running clients keep working until they
        // restart with the new Secret.
        authTokenUpdateStrategy: "ROTATE",
        autoMinorVersionUpgrade: true,
        maintenanceWindow: CACHE_DEFAULTS.maintenanceWindow,
        tags,
      },
      {
        parent: this,
        ...protection,
        retainOnDelete: args.protect === true,
        // The id is fixed (and ForceNew, with the port, subnet group, at-rest encryption and KMS
        // key: terraform-provider-aws internal/service/elasticache/replication_group.go), so a
        // replacement created first would collide on it; the cached data is lost either way.
        deleteBeforeReplace: true,
        additionalSecretOutputs: ["authToken"],
      },
    );

    this.primaryEndpoint = this.replicationGroup.primaryEndpointAddress;
    this.connectionUrl = pulumi.secret(
      pulumi.all([this.primaryEndpoint, token.result]).apply(([host, t]) => {
        const problem = authTokenProblem(t);
        if (problem) throw new Error(`Cache "${name}": the generated AUTH token ${problem}`);
        return cacheUrl(host, port, t);
      }),
    );
    this.securityGroupId = securityGroup.id;

    if (args.connectionSecret) {
      const secret = new k8s.core.v1.Secret(
        `${name}-connection`,
        {
          metadata: {
            name: args.connectionSecret.name ?? CACHE_DEFAULTS.connectionSecretName,
            namespace: args.connectionSecret.namespace,
            labels: {
              "app.kubernetes.io/part-of": "causeway",
              "app.kubernetes.io/component": "cache",
            },
          },
          type: "Opaque",
          stringData: { [CACHE_DEFAULTS.connectionSecretKey]: this.connectionUrl },
        },
        { parent: this, provider: args.connectionSecret.provider },
      );
      this.secretName = secret.metadata.name;
    }

    this.registerOutputs({
      primaryEndpoint: this.primaryEndpoint,
      connectionUrl: this.connectionUrl,
      securityGroupId: this.securityGroupId,
      secretName: this.secretName,
    });
  }
}
