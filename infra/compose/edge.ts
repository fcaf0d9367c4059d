import {
  LoadBalancerController,
  PublicLoadBalancer,
  type ExposedService,
} from "@causeway/components";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Environment, type PlatformConfig } from "../config";
import { accessLogsGrantElbAccount } from "../config/catalogue";

/** The edge's share of the stack outputs. */
export interface EdgeOutputs {
  /** The load balancer's DNS name (absent when no service is exposed). */
  readonly albDnsName?: pulumi.Output<string>;
  /** The public URL: `https://<domain>`, or the load balancer's DNS name without a domain. */
  readonly url?: pulumi.Output<string>;
}

/** The AWS Load Balancer Controller. Installed in every stack: it registers the pod IPs. */
export function loadBalancerController(
  config: PlatformConfig,
  provider: k8s.Provider,
): LoadBalancerController {
  return new LoadBalancerController("aws-load-balancer-controller", {
    clusterName: config.cluster.name,
    oidcProviderArn: config.cluster.oidcProviderArn,
    vpcId: config.network.vpcId,
    chartVersion: config.edge.controller.chartVersion,
    provider,
  });
}

/** The edge of one stack: the load balancer (when a service is exposed) and its outputs. */
export interface ComposedEdge {
  /** The exposed services' NodeServices take their ingress sources from it. */
  readonly loadBalancer?: PublicLoadBalancer;
  readonly outputs: EdgeOutputs;
}

/**
 * The public load balancer for the services that declare `expose`, bound to their Kubernetes
 * Services in `namespace`. No exposed service, no load balancer.
 */
export function publicEdge(
  config: PlatformConfig,
  provider: k8s.Provider,
  namespace: pulumi.Input<string>,
  controller: LoadBalancerController,
  /**
   * Resources the bindings also wait for (the services' Kubernetes Services), possibly as a
   * promise: the services are composed after the load balancer they take their ingress from.
   */
  bindingsDependOn: pulumi.Resource[] | Promise<pulumi.Resource[]> = [],
): ComposedEdge {
  const exposed: Record<string, ExposedService> = {};
  for (const name of Object.keys(config.services).sort()) {
    const service = config.services[name]!;
    if (!service.expose) continue;
    exposed[name] = { ...service.expose, port: service.port };
  }
  if (Object.keys(exposed).length === 0) return { outputs: {} };

  const { edge, network, environment } = config;
  const alb = new PublicLoadBalancer("edge", {
    vpcId: network.vpcId,
    subnetIds: network.publicSubnetIds,
    // Known from config (paired with the ids there): the sources the exposed pods admit.
    subnetCidrs: network.publicSubnetCidrs,
    // The VPC CIDR on the service ports: it holds the pods whatever security group the nodes
    // use; the TargetGroupBindings restrict the pods' side to the ALB's security group.
    targetNetwork: { cidrIpv4: network.vpcCidr },
    services: exposed,
    certificateArn: edge.certificateArn,
    domain: edge.domain,
    zoneId: edge.zoneId,
    sslPolicy: edge.sslPolicy,
    allowedCidrs: edge.allowedCidrs,
    deletionProtection: edge.deletionProtection,
    accessLogs: {
      enabled: edge.accessLogs.enabled,
      retentionDays: edge.accessLogs.retentionDays,
      // A dev bucket goes away with its stack; elsewhere the logs outlive the load balancer.
      forceDestroy: environment === Environment.dev,
      // Regions opened since August 2022 have no ELB account: only the log-delivery principal.
      grantElbAccount: accessLogsGrantElbAccount(new pulumi.Config("aws").require("region")),
    },
    waf: { enabled: edge.waf.enabled },
    targetGroupBindings: {
      provider,
      namespace,
      dependsOn: Promise.resolve(bindingsDependOn).then((services) => [
        controller.release,
        ...services,
      ]),
    },
    tags: { "app.kubernetes.io/part-of": "causeway", "causeway/environment": environment },
  });
  return { loadBalancer: alb, outputs: { albDnsName: alb.dnsName, url: alb.url } };
}
