import * as causeway from "@causeway/components";
import type * as aws from "@pulumi/aws";
import type * as docker from "@pulumi/docker";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ComponentResourceConstructor } from "@pulumi/pulumi/provider/experimental";
import { NodeService as NodeServiceAdapter } from "./node-service-adapter";
import { ServiceImage as ServiceImageAdapter } from "./service-image-adapter";

/**
 * The components the provider serves to other languages. The SDK's analyser turns each class's
 * `args` interface and public fields into the package schema, and it accepts only primitives,
 * (mutable) arrays, maps, named interfaces, string enums and Input/Output of those: no unions,
 * no inline object types, no `readonly T[]`, no functions (analyzer.js, @pulumi/pulumi 3.248:
 * `getArrayType` matches the symbol `Array` only, so `ReadonlyArray` falls through to
 * "Unsupported type"; an anonymous object type is neither class nor interface nor map; a union
 * is accepted only as a named string or number enum, whose members it reads from a TypeScript
 * `enum` or from an `as const` object's initializer, which a package's `.d.ts` does not have;
 * an `Omit<>` of the args loses each property's declaration, so its docs and types). It finds
 * a component by class name, breadth-first from index.ts. ConsulCluster's args fit as they
 * are. For the others it reads the `declare`d classes below, found before the package's own:
 * no code, only the args the schema can carry (EXCLUDED, with the reason), lists made
 * mutable, unions as restated enums, inline object types as named interfaces. At run time the
 * provider constructs the package's own classes (COMPONENTS), so the resources, checks and URNs
 * are TypeScript's; where an arg's schema shape differs from TypeScript's (NodeService's
 * `metricsScraper`), or a path must be checked (ServiceImage's build context), a subclass of the
 * same name maps or checks the args first (node-service-adapter.ts, service-image-adapter.ts).
 * The analyser reads
 * docs only from a property's own declaration, so each arg's doc is copied from the
 * component; the schema test fails when a copy drifts from the generated reference, and when
 * a restated enum differs from the component's.
 */

/** What of the TypeScript components other languages do not get, with the reason. */
export interface Exclusions {
  readonly args: Readonly<Record<string, string>>;
  readonly outputs: Readonly<Record<string, string>>;
  /** Fields of served args' types, as `<arg>.<field>`, that the schema's type leaves out. */
  readonly fields?: Readonly<Record<string, string>>;
}

export const EXCLUDED: Readonly<Record<string, Exclusions>> = {
  ConsulCluster: { args: {}, outputs: {} },
  Database: {
    args: {
      serviceSecrets:
        "holds a Kubernetes provider object: create the Secrets in your program from connectionUrl",
    },
    outputs: { secretNames: "only set with serviceSecrets" },
  },
  MessageBroker: {
    args: {
      connectionSecret:
        "holds a Kubernetes provider object: create the Secret in your program from connectionUrl",
    },
    outputs: { secretName: "only set with connectionSecret" },
  },
  Cache: {
    args: {
      connectionSecret:
        "holds a Kubernetes provider object: create the Secret in your program from connectionUrl",
    },
    outputs: { secretName: "only set with connectionSecret" },
  },
  Network: { args: {}, outputs: {} },
  Cluster: {
    args: {},
    outputs: {
      provider: "a Kubernetes provider object: make one in your program from kubeconfig",
    },
  },
  LoadBalancerController: {
    args: {
      provider:
        "a Kubernetes provider object: pass the cluster's provider as the component's `providers` resource option, which its Kubernetes children use",
    },
    outputs: {},
  },
  ServiceMesh: {
    args: {
      crds: "a resource to depend on: pass the Consul release (ConsulCluster's `release`) as the component's `dependsOn` resource option, which every entry then depends on",
    },
    outputs: {
      entries:
        "Kubernetes CustomResources, whose type token is their apiVersion and kind: the schema references only resource classes with a fixed token (`__pulumiType`, analyzer.js getResourceType)",
      defaultDeny:
        "a Kubernetes CustomResource, whose type token is its apiVersion and kind: the schema references only resource classes with a fixed token (`__pulumiType`, analyzer.js getResourceType)",
      intentions:
        "Kubernetes CustomResources, whose type token is their apiVersion and kind: the schema references only resource classes with a fixed token (`__pulumiType`, analyzer.js getResourceType)",
    },
  },
  Observability: {
    args: {
      provider:
        "a Kubernetes provider object: pass the cluster's provider as the component's `providers` resource option, which its Kubernetes children use",
    },
    outputs: {},
  },
  NodeService: {
    args: {
      ingressCidrs:
        "deprecated in TypeScript: use expose.loadBalancer, which cannot forget a source",
    },
    outputs: {},
  },
  ServiceImage: {
    args: {},
    outputs: {},
    fields: {
      "build.contextDir":
        "only for a relative context read from elsewhere; through the provider the context is absolute",
    },
  },
  PublicLoadBalancer: {
    args: {},
    outputs: {
      targetGroupBindings:
        "Kubernetes CustomResources, whose class has no type token the schema could reference: each binding is named after its service, in targetGroupBindings.namespace",
      accessLogBucket:
        "a Causeway component of its own, which the schema does not serve: the bucket is named after the load balancer",
    },
    fields: {
      "targetGroupBindings.provider":
        "a Kubernetes provider object: pass it as the `providers` resource option (`kubernetes`), which the bindings then use",
      "targetGroupBindings.dependsOn":
        "resources to wait for: pass them (the controller's release) as the `dependsOn` resource option, which the bindings then wait for",
    },
  },
};

/** A PostgreSQL database (Amazon RDS), private, encrypted and TLS-only. */
export interface DatabaseArgs {
  /** The VPC of the database's security group (the cluster's). Required. */
  readonly vpcId: pulumi.Input<string>;
  /**
   * Private subnets in at least two AZs, for the DB subnet group. Outputs are accepted (a
   * network made in the same program); they are checked once their values are known.
   */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Security groups allowed to connect on 5432, by a stable key used in the rule's name, e.g. `{
   * cluster: <EKS cluster security group> }`. Required: nothing else may connect.
   */
  readonly clientSecurityGroupIds: Record<string, pulumi.Input<string>>;
  /** RDS instance identifier. Default: the component name. */
  readonly identifier?: string;
  /**
   * PostgreSQL major version, pinned; RDS applies minor versions. Default
   * `DATABASE_DEFAULTS.engineVersion` ("17").
   */
  readonly engineVersion?: string;
  /** RDS instance class. Default `DATABASE_DEFAULTS.instanceClass` ("db.m7g.large"). */
  readonly instanceClass?: string;
  /** gp3 storage in GiB (20-65536). Default `DATABASE_DEFAULTS.allocatedStorage` (100). */
  readonly allocatedStorage?: number;
  /**
   * Storage autoscaling ceiling in GiB, at least 10% above allocatedStorage; 0 is off. Default:
   * off.
   */
  readonly maxAllocatedStorage?: number;
  /** Standby in a second AZ. Default `DATABASE_DEFAULTS.multiAz` (true). */
  readonly multiAz?: boolean;
  /**
   * Automated backup retention in days (0-35). Default `DATABASE_DEFAULTS.backupRetentionDays`
   * (7).
   */
  readonly backupRetentionDays?: number;
  /** Refuse DeleteDBInstance. Default `DATABASE_DEFAULTS.deletionProtection` (true). */
  readonly deletionProtection?: boolean;
  /**
   * Apply modifications (instance class, major version, parameter group) during `pulumi up`
   * rather than in the RDS maintenance window. Default `DATABASE_DEFAULTS.applyImmediately`
   * (true): you pick the window by when you deploy. With false, a major version upgrade is
   * deferred while its new parameter group is attached, and the deploy fails deleting the old
   * group, which the instance still uses until the window.
   */
  readonly applyImmediately?: boolean;
  /**
   * Take a final snapshot `<identifier>-final` on deletion. Default
   * `DATABASE_DEFAULTS.finalSnapshot` (true).
   */
  readonly finalSnapshot?: boolean;
  /**
   * The database the services share (each in its own schema). Default
   * `DATABASE_DEFAULTS.databaseName` ("causeway").
   */
  readonly databaseName?: string;
  /**
   * Master user name. Default `DATABASE_DEFAULTS.masterUsername` ("causeway_admin"). Its
   * password is always generated.
   */
  readonly masterUsername?: string;
  /**
   * Protect the instance and its password, and keep the instance when it leaves the program.
   * Default false. Production stacks set true.
   */
  readonly protect?: boolean;
  /** Tags for every AWS resource. Default `{}`. */
  readonly tags?: Record<string, string>;
}

/** A PostgreSQL database (Amazon RDS), private, encrypted and TLS-only. */
export declare class Database extends pulumi.ComponentResource {
  /** Host name of the instance. */
  public readonly address: pulumi.Output<string>;
  /** `postgres://user:password@host:port/db?sslmode=verify-full` (secret). */
  public readonly connectionUrl: pulumi.Output<string>;
  /** The instance's security group. */
  public readonly securityGroupId: pulumi.Output<string>;
  /** The instance's ARN. */
  public readonly arn: pulumi.Output<string>;
  /** The PostgreSQL port, 5432. */
  public readonly port: number;
  /** The database created on the instance. */
  public readonly databaseName: string;
  /** The master user's name (its password is generated and kept secret). */
  public readonly masterUsername: string;

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions);
}

/**
 * The schema's enums. The analyser reads an `as const` object's members from its initializer,
 * which a package's `.d.ts` does not have, so the values are restated here; the schema test
 * checks they equal the components' own (`causeway.BrokerDeploymentMode`, `causeway.WeekDay`).
 */
/** Deployment modes of a RabbitMQ broker. */
export const BrokerDeploymentMode = {
  singleInstance: "SINGLE_INSTANCE",
  clusterMultiAz: "CLUSTER_MULTI_AZ",
} as const;
export type BrokerDeploymentMode = (typeof BrokerDeploymentMode)[keyof typeof BrokerDeploymentMode];

/** Days of the week, as Amazon MQ spells them. */
export const WeekDay = {
  monday: "MONDAY",
  tuesday: "TUESDAY",
  wednesday: "WEDNESDAY",
  thursday: "THURSDAY",
  friday: "FRIDAY",
  saturday: "SATURDAY",
  sunday: "SUNDAY",
} as const;
export type WeekDay = (typeof WeekDay)[keyof typeof WeekDay];

/** A weekly maintenance window. */
export interface BrokerMaintenanceWindow {
  /** The day of the week. */
  readonly dayOfWeek: WeekDay;
  /** 24-hour `HH:MM`. */
  readonly timeOfDay: string;
  /** `UTC`, a `Country/City` zone or a UTC offset. */
  readonly timeZone: string;
}

/** An Amazon MQ for RabbitMQ broker, private, with a generated admin password. */
export interface MessageBrokerArgs {
  /** The VPC of `subnetIds`. */
  readonly vpcId: pulumi.Input<string>;
  /**
   * Private subnets: exactly one for SINGLE_INSTANCE, two or more (distinct AZs) for a cluster.
   * Outputs are accepted (a network made in the same program); they are checked once known.
   */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Security groups allowed to connect over AMQPS (5671), by a stable key used in the rule's
   * name, e.g. `{ cluster: <EKS cluster security group> }`. Required: nothing else may connect.
   */
  readonly clientSecurityGroupIds: Record<string, pulumi.Input<string>>;
  /** IPv4 CIDRs allowed to reach the management console (443). Default `[]`: no console access. */
  readonly consoleAllowedCidrs?: string[];
  /** Amazon MQ broker name (1-50 letters, digits, `-`, `_`). Default: the component name. */
  readonly brokerName?: string;
  /**
   * RabbitMQ engine version, major.minor only. Default `MESSAGE_BROKER_DEFAULTS.engineVersion`
   * ("4.2").
   */
  readonly engineVersion?: string;
  /**
   * Host instance type. Default `MESSAGE_BROKER_DEFAULTS.instanceType` ("mq.m7g.large") (the
   * smallest AWS recommends for production).
   */
  readonly instanceType?: string;
  /**
   * Default `MESSAGE_BROKER_DEFAULTS.deploymentMode` ("CLUSTER_MULTI_AZ") (three nodes across
   * AZs).
   */
  readonly deploymentMode?: BrokerDeploymentMode;
  /** Weekly window for minor version upgrades and patches. Default Sunday 03:00 UTC. */
  readonly maintenanceWindow?: BrokerMaintenanceWindow;
  /**
   * The admin user's name. Default `MESSAGE_BROKER_DEFAULTS.adminUsername` ("causeway-admin").
   * Its password is always generated.
   */
  readonly adminUsername?: string;
  /**
   * Protect the broker and its password, and keep the broker when it leaves the program. Default
   * false. Production stacks set true.
   */
  readonly protect?: boolean;
  /** Tags for every AWS resource. Default `{}`. */
  readonly tags?: Record<string, string>;
}

/** An Amazon MQ for RabbitMQ broker, private, with a generated admin password. */
export declare class MessageBroker extends pulumi.ComponentResource {
  /** The AMQPS endpoint, `amqps://<host>:5671`. */
  public readonly endpoint: pulumi.Output<string>;
  /** `amqps://user:password@host:5671` (secret). */
  public readonly connectionUrl: pulumi.Output<string>;
  /** The broker's id. */
  public readonly brokerId: pulumi.Output<string>;
  /** The broker's ARN. */
  public readonly arn: pulumi.Output<string>;
  /** The broker's security group. */
  public readonly securityGroupId: pulumi.Output<string>;
  /** The admin user's name (its password is generated and kept secret). */
  public readonly adminUsername: string;

  constructor(name: string, args: MessageBrokerArgs, opts?: pulumi.ComponentResourceOptions);
}

/** Arguments of Cache. */
export interface CacheArgs {
  /** The VPC of `subnetIds`. Required. */
  readonly vpcId: pulumi.Input<string>;
  /** Private subnets for the nodes; two or more Availability Zones when `nodes` > 1. Required. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Security groups allowed to connect on 6379, by a stable key used in the rule's name, e.g.
   * `{ cluster: <EKS cluster security group> }`. Required: nothing else may connect.
   */
  readonly clientSecurityGroupIds: Record<string, pulumi.Input<string>>;
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
  /** Protect the replication group and its token, and keep it when it leaves the program. Default false. */
  readonly protect?: boolean;
  /** Tags for every AWS resource. Default `{}`. */
  readonly tags?: Record<string, string>;
}

/**
 * ElastiCache for Valkey: a replication group in private subnets, reachable on 6379 only from
 * the given security groups, encrypted in transit (TLS required) and at rest, with a generated
 * AUTH token. More than one node means Multi-AZ with automatic failover.
 */
export declare class Cache extends pulumi.ComponentResource {
  /** The primary endpoint's host name (no credentials). */
  public readonly primaryEndpoint: pulumi.Output<string>;
  /** `rediss://:<token>@<primary>:6379`; a Pulumi secret. */
  public readonly connectionUrl: pulumi.Output<string>;
  /** The replication group's security group. */
  public readonly securityGroupId: pulumi.Output<string>;
  /** The ElastiCache replication group. */
  public readonly replicationGroup: aws.elasticache.ReplicationGroup;

  constructor(name: string, args: CacheArgs, opts?: pulumi.ComponentResourceOptions);
}

/** How many NAT gateways the private subnets share. */
export const NatGatewayMode = {
  /** One per AZ: an AZ outage does not cut the others off (production). */
  perAz: "perAz",
  /** One in the first AZ, shared: cheaper, for dev. */
  single: "single",
} as const;
export type NatGatewayMode = (typeof NatGatewayMode)[keyof typeof NatGatewayMode];

/** Arguments of Network. */
export interface NetworkArgs {
  /**
   * Availability Zones, one public and one private subnet in each (2 to 4, e.g.
   * `["eu-west-1a", "eu-west-1b", "eu-west-1c"]`). Required.
   */
  readonly availabilityZones: string[];
  /** The VPC's IPv4 CIDR block, /16 to /20. Default `NETWORK_DEFAULTS.cidrBlock`. */
  readonly cidrBlock?: string;
  /** NAT gateways: `perAz` or `single`. Default `NETWORK_DEFAULTS.natGateways`. */
  readonly natGateways?: NatGatewayMode;
  /** Days to keep the VPC flow logs (a CloudWatch Logs retention value). Default `NETWORK_DEFAULTS.flowLogRetentionDays`. */
  readonly flowLogRetentionDays?: number;
  /** Tags for every AWS resource. Default `{}`. */
  readonly tags?: Record<string, string>;
}

/**
 * A VPC for EKS: public and private subnets in each AZ (tagged for the AWS Load Balancer
 * Controller), NAT gateways (one per AZ or one shared), VPC endpoints for ECR, S3, STS and
 * CloudWatch Logs, a default security group with no rules, and flow logs of all traffic to a
 * KMS-encrypted CloudWatch Logs group.
 */
export declare class Network extends pulumi.ComponentResource {
  /** The VPC id. */
  public readonly vpcId: pulumi.Output<string>;
  /** The VPC's IPv4 CIDR block. */
  public readonly vpcCidr: string;
  /** Public subnet ids, in the order of availabilityZones. */
  public readonly publicSubnetIds: pulumi.Output<string>[];
  /** Private subnet ids, in the order of availabilityZones. */
  public readonly privateSubnetIds: pulumi.Output<string>[];
  /** Public subnet CIDR blocks, in the order of availabilityZones. */
  public readonly publicSubnetCidrs: string[];
  /** Private subnet CIDR blocks, in the order of availabilityZones. */
  public readonly privateSubnetCidrs: string[];
  /** The Availability Zones, in order. */
  public readonly availabilityZones: string[];
  /** The flow logs' CloudWatch Logs group. */
  public readonly flowLogGroupName: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions);
}

/** The managed node groups' settings; one node group per AZ. */
export interface ClusterNodesArgs {
  /** Instance types, all of the AMI type's architecture. Default `CLUSTER_DEFAULTS.nodes.instanceTypes`. */
  readonly instanceTypes?: string[];
  /** EKS AMI type. Default `CLUSTER_DEFAULTS.nodes.amiType` (Graviton, arm64). */
  readonly amiType?: string;
  /** Nodes per AZ at least. Default `CLUSTER_DEFAULTS.nodes.minSizePerAz`. */
  readonly minSizePerAz?: number;
  /** Nodes per AZ at most. Default `CLUSTER_DEFAULTS.nodes.maxSizePerAz`. */
  readonly maxSizePerAz?: number;
  /** Nodes per AZ at creation. Default `CLUSTER_DEFAULTS.nodes.desiredSizePerAz`. */
  readonly desiredSizePerAz?: number;
  /** Encrypted gp3 root volume size in GiB. Default `CLUSTER_DEFAULTS.nodes.diskSizeGiB`. */
  readonly diskSizeGiB?: number;
}

/** Reclaim policies of the default StorageClass. */
export const StorageReclaimPolicy = {
  /** The volume goes with its claim. */
  delete: "Delete",
  /** The volume stays when its claim is deleted. */
  retain: "Retain",
} as const;
export type StorageReclaimPolicy = (typeof StorageReclaimPolicy)[keyof typeof StorageReclaimPolicy];

/** Arguments of Cluster. */
export interface ClusterArgs {
  /** The VPC of the cluster. Required. */
  readonly vpcId: pulumi.Input<string>;
  /** Private subnets by AZ (`{ "eu-west-1a": subnetId, ... }`), at least two: the control plane's ENIs and one node group per AZ. Required. */
  readonly privateSubnetIds: Record<string, pulumi.Input<string>>;
  /**
   * IAM principals (role or user ARNs) given cluster-admin through an access entry. Required,
   * at least one: the creator is not made admin implicitly.
   */
  readonly adminPrincipalArns: string[];
  /** EKS cluster name. Default: the component name. */
  readonly clusterName?: string;
  /** Kubernetes minor version, from `KUBERNETES_VERSIONS`. Default `CLUSTER_DEFAULTS.kubernetesVersion`. */
  readonly kubernetesVersion?: string;
  /** CIDR blocks allowed to reach the public API endpoint. Default: none, the endpoint is private only. */
  readonly publicAccessCidrs?: string[];
  /** Managed node groups. Default `CLUSTER_DEFAULTS.nodes`. */
  readonly nodes?: ClusterNodesArgs;
  /** Days to keep the control-plane logs. Default `CLUSTER_DEFAULTS.logRetentionDays`. */
  readonly logRetentionDays?: number;
  /** Reclaim policy of the default gp3 StorageClass: `Delete` or `Retain`. Default `CLUSTER_DEFAULTS.storageReclaimPolicy`. */
  readonly storageReclaimPolicy?: StorageReclaimPolicy;
  /** Tags for every AWS resource. Default `{}`. */
  readonly tags?: Record<string, string>;
}

/**
 * Amazon EKS with a pinned Kubernetes version, a private API endpoint (public only for listed
 * CIDRs), Secrets encrypted with its own KMS key, all control-plane logs, access entries for the
 * admin principals, the IAM OIDC provider, pinned EKS add-ons, an encrypted gp3 default
 * StorageClass, one managed node group per AZ and the Cluster Autoscaler.
 */
export declare class Cluster extends pulumi.ComponentResource {
  /** The EKS cluster name. */
  public readonly clusterName: pulumi.Output<string>;
  /** The Kubernetes minor version the cluster runs. */
  public readonly kubernetesVersion: string;
  /** The kubeconfig (exec `aws eks get-token`); a Pulumi secret. */
  public readonly kubeconfig: pulumi.Output<string>;
  /** The IAM OIDC provider's ARN, for IAM roles for service accounts (IRSA). */
  public readonly oidcProviderArn: pulumi.Output<string>;
  /** The security group EKS creates for the control plane and nodes. */
  public readonly clusterSecurityGroupId: pulumi.Output<string>;
  /** The nodes' own security group (the webhooks' ports are open to the control plane here). */
  public readonly nodeSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions);
}

/*
 * The Kubernetes add-ons: LoadBalancerController, ServiceMesh and Observability. Each takes the
 * cluster's Kubernetes provider from its resource options when the `provider` arg is not given
 * (ServiceMesh always did), so a program in another language passes it as `providers`: the
 * host rebuilds the request's providers into the component's options (provider/server.js
 * `construct`) and the component's Kubernetes children get it (shared/kubernetes-provider.ts).
 */

/** Where a controller's pods run and the service account they use. */
export interface ControllerServiceAccount {
  /** The service account's namespace. */
  readonly namespace: string;
  /** The service account's name. */
  readonly name: string;
}

/** Arguments of LoadBalancerController. */
export interface LoadBalancerControllerArgs {
  /** The EKS cluster's name. Required. */
  readonly clusterName: pulumi.Input<string>;
  /**
   * ARN of the cluster's IAM OIDC provider (IRSA). Required. An Output is accepted (a cluster
   * made in the same program); it is checked once known.
   */
  readonly oidcProviderArn: pulumi.Input<string>;
  /** The cluster's VPC (so the controller needs no instance metadata). Required. */
  readonly vpcId: pulumi.Input<string>;
  /** Chart version from https://aws.github.io/eks-charts. Default `3.5.0` (controller v3.5.0). */
  readonly chartVersion?: string;
  /** Controller replicas (one leads, the others serve the webhooks). Default 2. */
  readonly replicas?: number;
  /** Region the controller calls. Default: the provider's Region (`aws.getRegion`). */
  readonly region?: pulumi.Input<string>;
  /** Tags for the IAM resources. Default none. */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The AWS Load Balancer Controller, installed from its Helm chart, running under an IAM role
 * for its service account (IRSA) with the controller's published policy. Here it only
 * registers pod IPs through TargetGroupBindings: the load balancer itself is owned by Pulumi.
 * Make every TargetGroupBinding depend on `release`, so bindings are created after the
 * controller (and its webhooks) and deleted before it; otherwise their finalizers are never
 * removed and teardown hangs. Pass the cluster's Kubernetes provider as the `providers`
 * resource option.
 */
export declare class LoadBalancerController extends pulumi.ComponentResource {
  /** The controller's IAM role (IRSA), with the published policy attached. */
  public readonly role: aws.iam.Role;
  /** The controller's Helm release: make every TargetGroupBinding depend on it. */
  public readonly release: k8s.helm.v3.Release;
  /** The namespace and name of the controller's service account (the IRSA subject). */
  public readonly serviceAccount: ControllerServiceAccount;

  constructor(
    name: string,
    args: LoadBalancerControllerArgs,
    opts?: pulumi.ComponentResourceOptions,
  );
}

/** One service of the graph, as far as the mesh cares. */
export interface MeshService {
  /** Services this one calls. */
  readonly upstreams: string[];
}

/** Timeouts and retries of mesh calls, applied by the caller's Envoy; each has a default. */
export interface MeshTrafficPolicy {
  /**
   * Whole-request timeout, retries included (Envoy route timeout). Above the service kit's
   * 2 s per-attempt client timeout, so the kit decides; the mesh only bounds callers without one.
   */
  readonly requestTimeout?: string;
  /** TCP connect timeout to an upstream instance (in-cluster connects take milliseconds). */
  readonly connectTimeout?: string;
  /**
   * Retries when the connection cannot be made. Safe for every method: the upstream never saw
   * the request. No retries on resets or 5xx: the kit retries those itself, with idempotency
   * keys, and two layers of retries multiply.
   */
  readonly connectRetries?: number;
}

/** Arguments of ServiceMesh. */
export interface ServiceMeshArgs {
  /**
   * The service graph: name -> { upstreams }. Plain, because it decides which resources exist.
   * Required.
   */
  readonly services: Record<string, MeshService>;
  /** Namespace of the config entry resources (the services' namespace). Required. */
  readonly namespace: pulumi.Input<string>;
  /**
   * Timeouts and retries of mesh calls. Default: 5s request timeout, 1s connect timeout,
   * 2 retries on connect failure only.
   */
  readonly traffic?: MeshTrafficPolicy;
}

/**
 * The zero-trust mesh of a service graph, as Consul config entries: a ServiceDefaults
 * (protocol http), ServiceRouter (bounded retry on connect failure, request timeout) and
 * ServiceResolver (connect timeout) per service, a default deny for `*` -> `*`, and one
 * ServiceIntentions per called service allowing exactly its callers. Pass the Consul release
 * (ConsulCluster's `release`) as the `dependsOn` resource option, and the cluster's Kubernetes
 * provider as `providers`.
 */
export declare class ServiceMesh extends pulumi.ComponentResource {
  constructor(name: string, args: ServiceMeshArgs, opts?: pulumi.ComponentResourceOptions);
}

/** The ADOT collector's settings. */
export interface ObservabilityCollector {
  /** Whether to run the collector. */
  readonly enabled: boolean;
  /** Image, pinned by tag or digest. Default `DEFAULT_COLLECTOR_IMAGE`. */
  readonly image?: string;
  /** Replicas; each scrapes its own shard of the pods. Default 1. */
  readonly replicas?: number;
  /** Default 30. */
  readonly scrapeIntervalSeconds?: number;
}

/** The container logs' settings. */
export interface ObservabilityLogs {
  /** Whether to ship container logs. */
  readonly enabled: boolean;
  /** One of `LOG_RETENTION_DAYS`. Default 30. */
  readonly retentionDays?: number;
  /** aws-for-fluent-bit chart version. Default `FLUENT_BIT_CHART.version`. */
  readonly chartVersion?: string;
}

/** The ALB the alarms watch. */
export interface LoadBalancerTarget {
  /** The load balancer's `arnSuffix`. */
  readonly arnSuffix: pulumi.Input<string>;
  /** Each target group's `arnSuffix`, by service. */
  readonly targetGroups: Record<string, pulumi.Input<string>>;
}

/** The RDS instance the alarms watch. */
export interface DatabaseTarget {
  /** The instance identifier. */
  readonly identifier: pulumi.Input<string>;
  /** Its allocated storage, GiB. */
  readonly allocatedStorageGiB: number;
}

/** The Amazon MQ broker the alarms watch. */
export interface BrokerTarget {
  /** The broker's name. */
  readonly name: pulumi.Input<string>;
  /** Its virtual host. */
  readonly virtualHost: string;
  /** Its work queues (each has `<queue>.dlq`). */
  readonly queues: string[];
}

/** The service exporting the pending-order gauge. */
export interface PendingOrdersTarget {
  /** The service that exports `orders_pending_oldest_age_seconds` (and the funnel's metrics). */
  readonly service: string;
}

/** The order funnel's result queues. */
export interface FunnelTarget {
  /** The queue of paid orders. */
  readonly paidQueue: string;
  /** The queue of failed orders. */
  readonly failedQueue: string;
}

/** What the alarms and the dashboard watch. */
export interface ObservabilityTargets {
  /** The ALB: its `arnSuffix`, and each target group's `arnSuffix` by service. */
  readonly loadBalancer?: LoadBalancerTarget;
  /** The RDS instance and its allocated storage (GiB). Read replicas: none (see README). */
  readonly database?: DatabaseTarget;
  /** The Amazon MQ broker, its virtual host and its work queues (each has `<queue>.dlq`). */
  readonly broker?: BrokerTarget;
  /**
   * The service that exports `orders_pending_oldest_age_seconds` (read from the collector's
   * CloudWatch namespace).
   */
  readonly pendingOrders?: PendingOrdersTarget;
  /** The order funnel's result queues (consumed by the `pendingOrders` service). Dashboard only. */
  readonly funnel?: FunnelTarget;
}

/** The alarms' settings. */
export interface ObservabilityAlarms {
  /** The alarms' thresholds. */
  readonly thresholds: causeway.AlarmThresholds;
  /** Container restarts of one pod in 15 minutes that page (AMP rule). */
  readonly podRestarts: number;
  /** Email addresses subscribed to the topic (each must confirm). Default none. */
  readonly emails?: string[];
}

/**
 * Which pods may scrape metrics: both selectors must match (one peer, namespace AND pod). An
 * empty selector would match every namespace or pod, so both must name at least one label.
 */
export interface MetricsScraper {
  /** Labels of the scraper's namespace, e.g. `{ "kubernetes.io/metadata.name": "monitoring" }`. */
  readonly namespaceLabels: Record<string, string>;
  /** Labels of the scraper's pods, e.g. `{ "app.kubernetes.io/name": "prometheus" }`. */
  readonly podLabels: Record<string, string>;
}

/** Arguments of Observability. */
export interface ObservabilityArgs {
  /** The cluster's IAM OIDC provider ARN: the collector and Fluent Bit assume their roles by IRSA. Required. */
  readonly oidcProviderArn: pulumi.Input<string>;
  /** The AWS Region (collector exporters, dashboard). Required. */
  readonly region: string;
  /**
   * Prefix of the named AWS objects: log groups `/<prefix>/...`, alarms `<prefix>-...`, the AMP
   * workspace alias, the dashboard, the metrics namespace `Causeway/<prefix>`. Required.
   */
  readonly namePrefix: string;
  /** Namespace of the services' pods, where the collector discovers them. Required. */
  readonly appNamespace: string;
  /** The services to scrape, by name (their pods' `app.kubernetes.io/name`). Required. */
  readonly services: Record<string, causeway.ScrapeTarget>;
  /** Namespace of the collector (created, Pod Security "restricted"). Default `observability`. */
  readonly namespace?: string;
  /**
   * The ADOT collector (metrics to AMP and CloudWatch, traces to X-Ray). Default
   * `{ enabled: true }`: one replica, the pinned image, a 30 s scrape interval.
   */
  readonly collector?: ObservabilityCollector;
  /**
   * Container logs: Fluent Bit (aws-for-fluent-bit chart, pinned) to one KMS-encrypted log group.
   * Default `{ enabled: true, retentionDays: 30 }`.
   */
  readonly logs?: ObservabilityLogs;
  /**
   * What the alarms and the dashboard watch. `pendingOrders.service` names the service exporting
   * `orders_pending_oldest_age_seconds` (read from the collector's CloudWatch namespace). Default:
   * nothing beyond the services.
   */
  readonly targets?: ObservabilityTargets;
  /**
   * Alarms to one KMS-encrypted SNS topic (CloudWatch alarms, and AMP's alert manager for pod
   * restarts when the collector runs). Default: none.
   */
  readonly alarms?: ObservabilityAlarms;
  /** A CloudWatch dashboard generated from the services and `targets`. Default false. */
  readonly dashboard?: boolean;
  /** Tags of every AWS resource. Default {}. */
  readonly tags?: Record<string, string>;
}

/**
 * Metrics, traces, logs, alarms and a dashboard for the services of one stack: an ADOT collector
 * (scrapes every service and Envoy's merged metrics into Amazon Managed Service for Prometheus
 * and a curated set into CloudWatch; receives OTLP traces on 4318 and sends them to X-Ray),
 * Fluent Bit shipping container logs to a KMS-encrypted log group, CloudWatch alarms and AMP
 * alerts to a KMS-encrypted SNS topic, and a CloudWatch dashboard generated from the services.
 * Pass the cluster's Kubernetes provider as the `providers` resource option.
 */
export declare class Observability extends pulumi.ComponentResource {
  /** The collector's namespace. */
  public readonly namespace: string;
  /** `http://adot-collector.<namespace>.svc.cluster.local:4318`: the services' `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  public readonly otlpEndpoint: string;
  /** The collector's selectors, for NodeService's `metricsScraper`. */
  public readonly scraper: MetricsScraper;
  /** The Amazon Managed Service for Prometheus workspace; with the collector only. */
  public readonly workspace?: aws.amp.Workspace;
  /** The ADOT collector's StatefulSet; with the collector only. */
  public readonly collector?: k8s.apps.v1.StatefulSet;
  /** The collector's IAM role (IRSA); with the collector only. */
  public readonly collectorRole?: aws.iam.Role;
  /** The container logs' CloudWatch Logs group; with logs only. */
  public readonly logGroup?: aws.cloudwatch.LogGroup;
  /** Fluent Bit's Helm release; with logs only. */
  public readonly fluentBit?: k8s.helm.v3.Release;
  /** The alarms' SNS topic; with alarms only. */
  public readonly topic?: aws.sns.Topic;
  /** The CloudWatch alarms by key. */
  public readonly alarms: Record<string, aws.cloudwatch.MetricAlarm>;
  /** The CloudWatch dashboard; with `dashboard` only. */
  public readonly dashboard?: aws.cloudwatch.Dashboard;

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions);
}

// ---- NodeService (served through the adapter in ./node-service-adapter.ts) ----

/** Requests and memory limit of a container. */
export interface NodeServiceResources {
  /** CPU request, e.g. `250m`. */
  readonly cpu?: string;
  /** Memory request, e.g. `256Mi`. */
  readonly memory?: string;
  /** Memory limit, at least the request, e.g. `512Mi`. */
  readonly memoryLimit?: string;
}

/** A HorizontalPodAutoscaler on the service container's own CPU. */
export interface NodeServiceAutoscaling {
  /** The most replicas, at least `replicas`. Required. */
  readonly maxReplicas: number;
  /** Target average CPU utilisation in percent of the request. Default 70. */
  readonly targetCpuUtilization?: number;
}

/** A Kubernetes Secret key to expose as an environment variable. */
export interface SecretEnvRef {
  /** The Secret's name, in the service's namespace. */
  readonly secretName: pulumi.Input<string>;
  /** The key in the Secret. */
  readonly key: string;
}

/** An upstream: a service in the same namespace that this one calls over HTTP. */
export interface UpstreamRef {
  /** Its Service name. */
  readonly name: string;
  /** Its Service port. */
  readonly port: number;
}

/** How a service is exposed through a load balancer. */
export interface NodeServiceExpose {
  /** The load balancer's target sources: pass the PublicLoadBalancer's `targetSources`. Required. */
  readonly loadBalancer: causeway.LoadBalancerSources;
}

/**
 * The in-cluster metrics scraper admitted on the metrics ports: both selectors must match. In
 * TypeScript `metricsScraper: false` admits none; here `enabled: false` does. Without either
 * selector, the default scraper (`DEFAULT_METRICS_SCRAPER`) is admitted.
 */
export interface NodeServiceMetricsScraper {
  /** Admit a scraper at all. Default true; false admits none (and takes no selectors). */
  readonly enabled?: boolean;
  /** Labels of the scraper's namespace, e.g. `{ "kubernetes.io/metadata.name": "monitoring" }`. */
  readonly namespaceLabels?: Record<string, string>;
  /** Labels of the scraper's pods, e.g. `{ "app.kubernetes.io/name": "prometheus" }`. */
  readonly podLabels?: Record<string, string>;
}

/**
 * The OpenTelemetry collector the service exports its traces to, over OTLP/HTTP. The pods get
 * `OTEL_SERVICE_NAME` (the service name) and `OTEL_EXPORTER_OTLP_ENDPOINT`, and an egress rule
 * to the collector's pods on `port`.
 */
export interface TraceCollector {
  /**
   * The collector's OTLP/HTTP base URL, e.g. `http://adot-collector.observability.svc:4318`;
   * the SDK posts to `<endpoint>/v1/traces`. Required.
   */
  readonly endpoint: pulumi.Input<string>;
  /** Labels of the collector's namespace, e.g. `{ "kubernetes.io/metadata.name": "observability" }`. Required, not empty. */
  readonly namespaceLabels: Record<string, string>;
  /** Labels of the collector's pods. Required, not empty. */
  readonly podLabels: Record<string, string>;
  /** The collector's OTLP/HTTP port. Default 4318 (`OTLP_HTTP_PORT`). */
  readonly port?: number;
}

/** A destination outside the cluster: CIDRs and ports the pods may reach. */
export interface NodeServiceEgress {
  /** IPv4 CIDR blocks. */
  readonly cidrs: string[];
  /** TCP ports. */
  readonly ports: number[];
}

/** The mesh control plane the sidecars reach. */
export interface NodeServiceMeshControlPlane {
  /** The control plane's namespace. Required. */
  readonly namespace: string;
  /** Its ports. Default `MESH_CONTROL_PLANE_PORTS` (8501 and 8502). */
  readonly ports?: number[];
}

/** Arguments of NodeService. */
export interface NodeServiceArgs {
  /** Namespace of every object. Required. */
  readonly namespace: pulumi.Input<string>;
  /**
   * Container image, pinned by digest (`repo@sha256:...`) or by an immutable tag. An untagged
   * reference or `latest` is rejected. Required.
   */
  readonly image: pulumi.Input<string>;
  /** Kubernetes name of the Deployment, Service, ServiceAccount, PDB, HPA, NetworkPolicy. Default: the component name. */
  readonly serviceName?: string;
  /** Container and Service port (named `http`). Default 8080 (`DEFAULT_SERVICE_PORT`). */
  readonly port?: number;
  /** Replicas; with autoscaling, the HPA minimum. Default 2. */
  readonly replicas?: number;
  /** A HorizontalPodAutoscaler (autoscaling/v2) on the service container's own CPU (`ContainerResource`, so injected sidecars do not block it). Default: none, `replicas` is fixed. */
  readonly autoscaling?: NodeServiceAutoscaling;
  /** Requests and memory limit. Default cpu 250m, memory 256Mi, memoryLimit 512Mi. */
  readonly resources?: NodeServiceResources;
  /** Plain environment variables. Default {}. Credentials belong in `secretEnv`. */
  readonly env?: Record<string, pulumi.Input<string>>;
  /** Environment variables read from Kubernetes Secrets. Default {}. */
  readonly secretEnv?: Record<string, SecretEnvRef>;
  /** Services this one calls: each gets `<NAME>_URL` by cluster DNS and an egress rule. Default []. */
  readonly upstreams?: UpstreamRef[];
  /** Services (same namespace) allowed to call this one. Default [] (no pod may). */
  readonly callers?: string[];
  /**
   * The service receives traffic from a load balancer: its NetworkPolicy admits the load
   * balancer's `targetSources` on the service port. `loadBalancer` is required (pass the
   * `PublicLoadBalancer` that routes to this service). Default: not exposed.
   */
  readonly expose?: NodeServiceExpose;
  /**
   * The in-cluster metrics scraper admitted on the service port (the kit's `/metrics`) and, when
   * meshed, on Envoy's merged metrics port; `false` (in other languages `{ enabled: false }`)
   * admits none. Default `DEFAULT_METRICS_SCRAPER`: pods labelled `app.kubernetes.io/name:
   * prometheus` in the `monitoring` namespace.
   */
  readonly metricsScraper?: NodeServiceMetricsScraper;
  /** Envoy's merged Prometheus metrics port when meshed. Default 20200 (`Ports.envoyMetrics`). */
  readonly meshMetricsPort?: number;
  /**
   * Export traces to this OpenTelemetry collector (sets `OTEL_SERVICE_NAME` and
   * `OTEL_EXPORTER_OTLP_ENDPOINT`, and allows egress to it). Default: none; the services then
   * run no exporter at all.
   */
  readonly traceCollector?: TraceCollector;
  /** Destinations outside the cluster by purpose, e.g. `{ database: { cidrs, ports } }`. Default {}. */
  readonly egressCidrs?: Record<string, NodeServiceEgress>;
  /**
   * Envoy's inbound listener port when the pods join a mesh (e.g. `Ports.envoyInbound`): the
   * NetworkPolicy then also admits callers, and allows upstreams, on it. Default: not meshed.
   */
  readonly meshInboundPort?: number;
  /** Requests and memory limit of the injected mesh sidecar, via the Consul injector's pod annotations (`consul.hashicorp.com/sidecar-proxy-*`); meshed pods only; `podAnnotations` wins. Default cpu 100m, memory 100Mi (chart's advice), memoryLimit 256Mi. */
  readonly meshSidecarResources?: NodeServiceResources;
  /** The mesh control plane the sidecars reach (namespace; ports default `MESH_CONTROL_PLANE_PORTS`, 8501 and 8502). Default: none. */
  readonly meshControlPlane?: NodeServiceMeshControlPlane;
  /** Pod template annotations (e.g. Consul connect-inject). Default {}. */
  readonly podAnnotations?: pulumi.Input<Record<string, string>>;
  /** ServiceAccount annotations (e.g. IRSA `eks.amazonaws.com/role-arn`). Default {}. */
  readonly serviceAccountAnnotations?: pulumi.Input<Record<string, string>>;
  /** Mount a Kubernetes API token into the pods. Default false. */
  readonly automountServiceAccountToken?: boolean;
  /** UID the container runs as; must match the image's user. Default 10001 (`SERVICE_UID`). */
  readonly runAsUser?: number;
  /** GID the container runs as; must match the image's group. Default 10001 (`SERVICE_GID`). */
  readonly runAsGroup?: number;
  /** How long start-up (migrations, connections) may take before a restart. Default 60 s. */
  readonly startupSeconds?: number;
  /** Value of the `app.kubernetes.io/part-of` label. Default "causeway". */
  readonly partOf?: string;
  /** Cluster DNS domain for upstream URLs. Default "cluster.local". */
  readonly clusterDomain?: string;
}

/**
 * One Node.js service on Kubernetes: Deployment, ClusterIP Service, ServiceAccount, PDB,
 * NetworkPolicy and (optionally) an HPA, with a Pod Security Standards "restricted" pod. Its
 * Kubernetes objects go to the cluster of the `providers` resource option's `kubernetes` entry.
 */
export declare class NodeService extends pulumi.ComponentResource {
  /** The Kubernetes name shared by every object (the Service's DNS name). */
  public readonly serviceName: string;
  /** The Service port (named `http`). */
  public readonly port: number;
  /** The Deployment of the service's pods. */
  public readonly deployment: k8s.apps.v1.Deployment;
  /** The ClusterIP Service (port `http`). */
  public readonly service: k8s.core.v1.Service;
  /** The pods' ServiceAccount. */
  public readonly serviceAccount: k8s.core.v1.ServiceAccount;
  /** The PodDisruptionBudget. */
  public readonly podDisruptionBudget: k8s.policy.v1.PodDisruptionBudget;
  /** The NetworkPolicy: the service graph's ingress and egress, everything else denied. */
  public readonly networkPolicy: k8s.networking.v1.NetworkPolicy;
  /** The HorizontalPodAutoscaler, with `autoscaling`; otherwise undefined. */
  public readonly autoscaler: k8s.autoscaling.v2.HorizontalPodAutoscaler | undefined;
  /** `http://<name>.<namespace>.svc.<domain>:<port>`. */
  public readonly url: pulumi.Output<string>;

  constructor(name: string, args: NodeServiceArgs, opts?: pulumi.ComponentResourceOptions);
}

// ---- PublicLoadBalancer ----

/**
 * Where the load balancer may send requests: exactly one of the two (TypeScript's union of two
 * object types, which the schema cannot express; the component refuses both or neither).
 */
export interface TargetNetwork {
  /** The VPC CIDR (or any CIDR holding the pods), on the service ports. */
  readonly cidrIpv4?: pulumi.Input<string>;
  /** The security group of the pods or nodes, on the service ports. */
  readonly securityGroupId?: pulumi.Input<string>;
}

/** TLS policies the HTTPS listener may use (`TLS_POLICIES`): TLS 1.3 policies only. */
export const TlsPolicy = {
  /** TLS 1.3 and 1.2, AWS's recommended policy: the default. */
  tls13_12_2021_06: "ELBSecurityPolicy-TLS13-1-2-2021-06",
  /** TLS 1.3 and 1.2, restricted to AEAD ciphers with forward secrecy. */
  tls13_12_Res_2021_06: "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  /** As Res-2021-06, plus hybrid post-quantum key exchange (ML-KEM). */
  tls13_12_Res_PQ_2025_09: "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
  /** TLS 1.3 only. */
  tls13_13_2021_06: "ELBSecurityPolicy-TLS13-1-3-2021-06",
  /** FIPS 140-3 validated cryptography, TLS 1.3 and 1.2. */
  tls13_12_FIPS_2023_04: "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
  /** FIPS, with hybrid post-quantum key exchange. */
  tls13_12_FIPS_PQ_2025_09: "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
  /** FIPS, TLS 1.3 only. */
  tls13_13_FIPS_2023_04: "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
} as const;
export type TlsPolicy = (typeof TlsPolicy)[keyof typeof TlsPolicy];

/** Desync mitigation modes that protect against HTTP request smuggling. */
export const DesyncMitigationMode = {
  defensive: "defensive",
  strictest: "strictest",
} as const;
export type DesyncMitigationMode = (typeof DesyncMitigationMode)[keyof typeof DesyncMitigationMode];

/** Access logs to a new, locked-down S3 bucket. */
export interface PublicLoadBalancerAccessLogs {
  /** Write access logs. Required. */
  readonly enabled: boolean;
  /** Days before log objects expire. Default 90. */
  readonly retentionDays?: number;
  /**
   * Grant the Region's Elastic Load Balancing account (`aws.elb.getServiceAccount`), needed in
   * Regions available before August 2022; set false in newer Regions, where the
   * log-delivery service principal (always granted) writes. Default true.
   */
  readonly grantElbAccount?: boolean;
  /** Delete the bucket with its logs when the component is deleted. Default false. */
  readonly forceDestroy?: boolean;
}

/** A WAFv2 web ACL with AWS managed rule groups. */
export interface PublicLoadBalancerWaf {
  /** Associate the web ACL. Required. */
  readonly enabled: boolean;
}

/**
 * TargetGroupBindings, one per service. The bindings use the component's Kubernetes provider
 * (the `providers` resource option's `kubernetes` entry) and wait for what the component waits
 * for (its `dependsOn` resource option: the AWS Load Balancer Controller's release).
 */
export interface PublicLoadBalancerTargetGroupBindings {
  /** Namespace of the Services (named after the service, port = the service port). Required. */
  readonly namespace: pulumi.Input<string>;
}

/** Arguments of PublicLoadBalancer. */
export interface PublicLoadBalancerArgs {
  /** The VPC of the load balancer and its targets. Required. */
  readonly vpcId: pulumi.Input<string>;
  /** Public subnets in at least two Availability Zones. Required. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * The CIDR blocks of `subnetIds`, when the program knows them: they become `targetSources`.
   * Default: looked up from `subnetIds` (`aws.ec2.getSubnet`) when `targetSources` is first read.
   */
  readonly subnetCidrs?: pulumi.Input<pulumi.Input<string>[]>;
  /** Where the load balancer's egress rules point. Required: egress is closed otherwise. */
  readonly targetNetwork: TargetNetwork;
  /** The services to route to, by name (the key names their child resources). Required. */
  readonly services: Record<string, causeway.ExposedService>;
  /** An existing ACM certificate for the HTTPS listener. Default: a new DNS-validated one. */
  readonly certificateArn?: pulumi.Input<string>;
  /** The public host name; with `zoneId`, an alias record points it at the load balancer. Default: none. */
  readonly domain?: string;
  /** Route 53 hosted zone for `domain` (alias record and certificate validation). Default: none. */
  readonly zoneId?: pulumi.Input<string>;
  /** TLS policy of the HTTPS listener, one of `TLS_POLICIES`. Default `ELBSecurityPolicy-TLS13-1-2-2021-06`. */
  readonly sslPolicy?: TlsPolicy;
  /** Client CIDRs allowed on 443 (and 80, which only redirects). Default `["0.0.0.0/0"]`. */
  readonly allowedCidrs?: string[];
  /** Deletion protection on the load balancer. Default true (closed). */
  readonly deletionProtection?: boolean;
  /** Access logs to a new, locked-down S3 bucket. Default `{ enabled: true, retentionDays: 90 }`. */
  readonly accessLogs?: PublicLoadBalancerAccessLogs;
  /** WAFv2 web ACL with AWS managed rule groups, associated with the load balancer. Default `{ enabled: true }`. */
  readonly waf?: PublicLoadBalancerWaf;
  /** Default `defensive` (AWS's recommendation); `strictest` also rejects ambiguous requests. */
  readonly desyncMitigationMode?: DesyncMitigationMode;
  /** Idle timeout in seconds; must be below the services' keep-alive (65 s). Default 60. */
  readonly idleTimeoutSeconds?: number;
  /**
   * Bind each target group to its Kubernetes Service with a TargetGroupBinding, so the AWS Load
   * Balancer Controller registers the pod IPs, and only this load balancer may reach the pods.
   * Default: no bindings (register targets some other way).
   */
  readonly targetGroupBindings?: PublicLoadBalancerTargetGroupBindings;
  /** Tags for every AWS resource. Default none. */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * A hardened, internet-facing Application Load Balancer owned by Pulumi: HTTPS only (HTTP
 * redirects), a security group closed to everything but 80/443 in and the service ports out,
 * one IP target group per service with the readiness health check, listener rules from host
 * and path, optional access logs and WAF, and TargetGroupBindings that let the AWS Load Balancer
 * Controller register pod IPs.
 */
export declare class PublicLoadBalancer extends pulumi.ComponentResource {
  /** The Application Load Balancer. */
  public readonly loadBalancer: aws.lb.LoadBalancer;
  /** The load balancer's security group: 80 and 443 in, the service ports out. */
  public readonly securityGroup: aws.ec2.SecurityGroup;
  /** The HTTPS listener (443), which routes by host and path. */
  public readonly httpsListener: aws.lb.Listener;
  /** The HTTP listener (80), which only redirects to HTTPS. */
  public readonly httpListener: aws.lb.Listener;
  /** Target groups by service name. */
  public readonly targetGroups: Record<string, aws.lb.TargetGroup>;
  /** The WAFv2 web ACL, unless the WAF is off. */
  public readonly webAcl?: aws.wafv2.WebAcl;
  /** The load balancer's DNS name. */
  public readonly dnsName: pulumi.Output<string>;
  /** `https://<domain>`, or `https://<load balancer DNS name>` without a domain. */
  public readonly url: pulumi.Output<string>;
  /**
   * The source CIDRs the targets see: the load balancer's subnets (`subnetCidrs`, or looked up
   * from `subnetIds`). Pass them as NodeService's `expose.loadBalancer.targetSources`, and the
   * service's NetworkPolicy admits exactly these.
   */
  public readonly targetSources: pulumi.Output<string[]>;

  constructor(name: string, args: PublicLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions);
}

// ---- ServiceImage (served through the adapter in ./service-image.ts) ----

/**
 * How to build a service image. Through the component provider the build context is an
 * absolute path: the provider runs in its own folder, not the program's, and the SDK does not
 * tell it the program's (see ./service-image.ts).
 */
export interface ServiceImageBuild {
  /**
   * Immutable tag of this build (never `latest`). Default: the content tag of exactly what the
   * image is built from: the Dockerfile, the build args and the files its COPY instructions
   * take from the context.
   */
  readonly tag?: string;
  /**
   * Build context, an absolute path, e.g. `${pulumi.cwd}` in YAML or `os.getcwd()` in Python
   * (the project's folder). Required.
   */
  readonly context: string;
  /** Dockerfile path, relative to the context. Default "services/Dockerfile". */
  readonly dockerfile?: string;
  /** Build args. Default `{ SERVICE: <component name>, VERSION: <tag> }`; given args are added. */
  readonly args?: Record<string, string>;
  /** Target platform: the nodes' architecture. Default "linux/arm64" (Graviton). */
  readonly platform?: string;
  /**
   * Give the image a build context of its own: its Dockerfile (the recipe, byte for byte) and a
   * Dockerfile-specific ignore file that admits only the files its COPY instructions take, under
   * `.causeway/images/` in the context. The provider's context digest then changes only when
   * those files do, so an unchanged image is neither rebuilt nor pushed. Default true.
   */
  readonly isolate?: boolean;
}

/** The ECR lifecycle policy of a service repository. */
export interface ServiceImageLifecycle {
  /** Untagged images (superseded pushes, failed builds) expire this many days after push. Default 7. */
  readonly untaggedExpiryDays?: number;
  /** Keep at most this many images in all. Default 100. */
  readonly maxImages?: number;
}

/** Arguments of ServiceImage. */
export interface ServiceImageArgs {
  /**
   * An existing image pinned by digest (`<repo>@sha256:<64 hex>`): no repository, no build.
   * This is how staging and prod run what dev built. Default: build (see `build`).
   */
  readonly pinned?: pulumi.Input<string>;
  /** How to build, when not pinned. Required unless `pinned` is given. */
  readonly build?: ServiceImageBuild;
  /** ECR repository name. Default `causeway/<component name>`. */
  readonly repositoryName?: string;
  /** Lifecycle. Default: untagged images expire after 7 days; at most 100 images are kept. */
  readonly lifecycle?: ServiceImageLifecycle;
  /** KMS key for encryption at rest. Default: AES256 with the ECR-managed key. */
  readonly kmsKeyArn?: pulumi.Input<string>;
  /** Delete the repository even if it holds images. Default false. */
  readonly forceDelete?: boolean;
  /**
   * AWS accounts that may pull from the repository (the staging and prod accounts that deploy
   * dev's digests): a repository policy grants them the three pull actions only. Default none
   * (no repository policy).
   */
  readonly pullAccountIds?: string[];
}

/**
 * A service's container image: an ECR repository (scan on push, immutable tags, lifecycle
 * policy) and a Docker build pushed to it; or an existing image pinned by digest.
 * `imageRef` is always pinned by digest.
 */
export declare class ServiceImage extends pulumi.ComponentResource {
  /** `<repository>@sha256:<digest>`, for NodeService. */
  public readonly imageRef: pulumi.Output<string>;
  /** The ECR repository, when built; undefined when pinned. */
  public readonly repository: aws.ecr.Repository | undefined;
  /** The Docker build pushed to the repository, when built; undefined when pinned. */
  public readonly image: docker.Image | undefined;

  constructor(name: string, args: ServiceImageArgs, opts?: pulumi.ComponentResourceOptions);
}

/**
 * Components not served to other languages, with the reason: none today, every component is
 * in COMPONENTS. A new component whose args the analyser cannot read (its first error goes in
 * the reason), or that needs a change to be usable from another language, is listed here until
 * it is, and the schema test accepts it only with a reason.
 */
export const NOT_SERVED: Readonly<Record<string, string>> = {};

/**
 * What index.ts hosts, by schema name: the components themselves, so a program in another
 * language gets the resources, checks and URNs a TypeScript program gets. The SDK's provider
 * keys them by class name and constructs `new Class(name, inputs, opts)` for
 * `causeway:index:<name>` (ComponentProvider.construct, provider.js); each registers that same
 * token (shared/type-token.ts), which provider.test.ts checks by constructing each one. `opts`
 * are the resource options the program gave, rebuilt by the provider host (provider/server.js
 * `construct`, @pulumi/pulumi 3.248: `providers` from the request's providers map, `dependsOn`
 * from its dependencies, and parent, protect, aliases and the rest), so a Kubernetes component
 * takes the cluster's provider from `providers` and its children inherit it.
 */
export const COMPONENTS: readonly ComponentResourceConstructor[] = [
  causeway.ConsulCluster,
  causeway.Database,
  causeway.MessageBroker,
  causeway.Cache,
  causeway.Network,
  causeway.Cluster,
  causeway.LoadBalancerController,
  causeway.ServiceMesh,
  causeway.Observability,
  NodeServiceAdapter,
  causeway.PublicLoadBalancer,
  ServiceImageAdapter,
];
