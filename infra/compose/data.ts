import { Cache, Database, MessageBroker } from "@causeway/components";
import * as eks from "@pulumi/aws/eks";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Environment, type PlatformConfig } from "../config";
import { brokerName, brokerSubnets } from "../config/sections/broker";
import { cacheReplicationGroupId } from "../config/sections/cache";
import { databaseIdentifier } from "../config/sections/database";
import { usersOf } from "./data-stores";

export interface DataPlaneDeps {
  readonly provider: k8s.Provider;
  readonly namespace: k8s.core.v1.Namespace;
}

export interface DataPlane {
  readonly broker: MessageBroker;
  readonly database: Database;
  /** The shared cache, when a service sets `cache: true`. */
  readonly cache: Cache | undefined;
  /** What pods reading the Secrets should wait for. */
  readonly dependsOn: pulumi.Resource[];
  /** Stack outputs (no credentials). */
  readonly outputs: Record<string, unknown>;
}

/**
 * The data plane: the RabbitMQ broker and the PostgreSQL instance, in the cluster's VPC, open
 * only to the EKS cluster security group (attached to managed node groups and Fargate pods),
 * with their connection URLs as Kubernetes Secrets in the app namespace. Protected in prod.
 */
export function composeData(config: PlatformConfig, deps: DataPlaneDeps): DataPlane {
  const stack = pulumi.getStack();
  // The nodes' own group when known (the cluster stack's), else the EKS cluster security group.
  const node = config.cluster.nodeSecurityGroupId;
  const clientSecurityGroupIds: Record<string, pulumi.Input<string>> = node
    ? { nodes: node }
    : {
        cluster: eks.getClusterOutput({ name: config.cluster.name }).vpcConfig
          .clusterSecurityGroupId,
      };
  const protect = config.environment === Environment.prod;
  const tags = { "causeway:stack": stack, "causeway:environment": config.environment };
  const namespace = deps.namespace.metadata.name;

  const b = config.broker;
  const broker = new MessageBroker(
    "broker",
    {
      brokerName: brokerName(b, stack),
      vpcId: config.network.vpcId,
      subnetIds: brokerSubnets(b, config.network),
      clientSecurityGroupIds,
      consoleAllowedCidrs: b.consoleAllowedCidrs,
      engineVersion: b.engineVersion,
      instanceType: b.instanceType,
      deploymentMode: b.deploymentMode,
      maintenanceWindow: b.maintenanceWindow,
      adminUsername: b.adminUsername,
      // The Secret's name is the component's default, which DATA_STORES.broker reads.
      connectionSecret: { provider: deps.provider, namespace },
      protect,
      tags,
    },
    { dependsOn: [deps.namespace] },
  );

  const d = config.database;
  const database = new Database(
    "database",
    {
      identifier: databaseIdentifier(d, stack),
      vpcId: config.network.vpcId,
      subnetIds: config.network.privateSubnetIds,
      clientSecurityGroupIds,
      engineVersion: d.engineVersion,
      instanceClass: d.instanceClass,
      allocatedStorage: d.allocatedStorage,
      maxAllocatedStorage: d.maxAllocatedStorage,
      multiAz: d.multiAz,
      backupRetentionDays: d.backupRetentionDays,
      deletionProtection: d.deletionProtection,
      finalSnapshot: d.finalSnapshot,
      databaseName: d.databaseName,
      masterUsername: d.masterUsername,
      // One Secret per user, named by the component (databaseSecretName), as DATA_STORES reads.
      serviceSecrets: {
        provider: deps.provider,
        namespace,
        services: usersOf(config.services, "database"),
      },
      protect,
      tags,
    },
    { dependsOn: [deps.namespace] },
  );

  const cacheUsers = usersOf(config.services, "cache");
  const cache =
    cacheUsers.length === 0
      ? undefined
      : new Cache(
          "cache",
          {
            replicationGroupId: cacheReplicationGroupId(stack),
            vpcId: config.network.vpcId,
            subnetIds: config.network.privateSubnetIds,
            clientSecurityGroupIds,
            engineVersion: config.cache.engineVersion,
            nodeType: config.cache.nodeType,
            nodes: config.cache.nodes,
            // The Secret's name and key are the component's defaults, which DATA_STORES.cache reads.
            connectionSecret: { provider: deps.provider, namespace },
            protect,
            tags,
          },
          { dependsOn: [deps.namespace] },
        );

  return {
    broker,
    database,
    cache,
    dependsOn: [broker, database, ...(cache ? [cache] : [])],
    outputs: {
      brokerEndpoint: broker.endpoint,
      databaseAddress: database.address,
    },
  };
}
