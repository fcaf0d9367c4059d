import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { SERVICE_KEEP_ALIVE_TIMEOUT_SECONDS } from "../shared/contract";
import { routeProblems, type Route } from "./routing";
import { isAllowedTlsPolicy, TLS_POLICIES, type TlsPolicy } from "./tls";
import { isDns1035Label } from "../shared/validators";

/** Desync mitigation modes that protect against HTTP request smuggling. */
export const DesyncMitigationMode = { defensive: "defensive", strictest: "strictest" } as const;
export type DesyncMitigationMode = (typeof DesyncMitigationMode)[keyof typeof DesyncMitigationMode];

/** One service behind the load balancer. */
export interface ExposedService {
  /** Host header to match, e.g. api.example.com. Default: any host. */
  readonly host?: string;
  /** Path prefix to match, e.g. /api. Default `/`. */
  readonly path?: string;
  /** The service's (and its pods') port. Default `DEFAULT_SERVICE_PORT` (8080). */
  readonly port?: number;
}

/** Where the load balancer may send requests: one of the two. */
export type TargetNetwork =
  /** The VPC CIDR (or any CIDR holding the pods), on the service ports. */
  | { readonly cidrIpv4: pulumi.Input<string> }
  /** The security group of the pods or nodes, on the service ports. */
  | { readonly securityGroupId: pulumi.Input<string> };

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
  readonly services: Readonly<Record<string, ExposedService>>;
  /** An existing ACM certificate for the HTTPS listener. Default: a new DNS-validated one. */
  readonly certificateArn?: pulumi.Input<string>;
  /** The public host name; with `zoneId`, an alias record points it at the load balancer. Default: none. */
  readonly domain?: string;
  /** Route 53 hosted zone for `domain` (alias record and certificate validation). Default: none. */
  readonly zoneId?: pulumi.Input<string>;
  /** TLS policy of the HTTPS listener, one of `TLS_POLICIES`. Default `ELBSecurityPolicy-TLS13-1-2-2021-06`. */
  readonly sslPolicy?: TlsPolicy;
  /** Client CIDRs allowed on 443 (and 80, which only redirects). Default `["0.0.0.0/0"]`. */
  readonly allowedCidrs?: readonly string[];
  /** Deletion protection on the load balancer. Default true (closed). */
  readonly deletionProtection?: boolean;
  /** Access logs to a new, locked-down S3 bucket. Default `{ enabled: true, retentionDays: 90 }`. */
  readonly accessLogs?: {
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
  };
  /** WAFv2 web ACL with AWS managed rule groups, associated with the load balancer. Default `{ enabled: true }`. */
  readonly waf?: { readonly enabled: boolean };
  /** Default `defensive` (AWS's recommendation); `strictest` also rejects ambiguous requests. */
  readonly desyncMitigationMode?: DesyncMitigationMode;
  /** Idle timeout in seconds; must be below the services' keep-alive (65 s). Default 60. */
  readonly idleTimeoutSeconds?: number;
  /**
   * Bind each target group to its Kubernetes Service with a TargetGroupBinding, so the AWS Load
   * Balancer Controller registers the pod IPs, and only this load balancer may reach the pods.
   * Default: no bindings (register targets some other way).
   */
  readonly targetGroupBindings?: {
    /**
     * The cluster's Kubernetes provider. Default: the component's own, from its `provider` or
     * `providers` resource option (how a program in another language passes it).
     */
    readonly provider?: k8s.Provider;
    /** Namespace of the Services (named after the service, port = the service port). */
    readonly namespace: pulumi.Input<string>;
    /**
     * Resources the bindings wait for, and that are deleted only after them: the controller
     * release. Default: the component's own `dependsOn` resource option.
     */
    readonly dependsOn?: pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
  };
  /** Tags for every AWS resource. Default none. */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Every problem with the args, before anything is created. */
export function checkArgs(args: PublicLoadBalancerArgs): string[] {
  const problems: string[] = [];
  if (
    args.certificateArn === undefined &&
    (args.domain === undefined || args.zoneId === undefined)
  ) {
    problems.push(
      "HTTPS needs a certificate: set certificateArn, or domain and zoneId for a DNS-validated ACM certificate",
    );
  }
  if (args.sslPolicy !== undefined && !isAllowedTlsPolicy(args.sslPolicy)) {
    problems.push(`sslPolicy "${String(args.sslPolicy)}" is not one of ${TLS_POLICIES.join(", ")}`);
  }
  // TypeScript's union admits both keys at once, and a program in another language (where
  // targetNetwork is one object with two optional fields) may give neither.
  const network = args.targetNetwork as { cidrIpv4?: unknown; securityGroupId?: unknown };
  if ((network.cidrIpv4 === undefined) === (network.securityGroupId === undefined)) {
    problems.push("targetNetwork: give exactly one of cidrIpv4 and securityGroupId");
  }
  if (args.allowedCidrs !== undefined && args.allowedCidrs.length === 0) {
    problems.push("allowedCidrs is empty; nobody could reach the load balancer");
  }
  const idle = args.idleTimeoutSeconds;
  if (idle !== undefined && !(idle >= 1 && idle < SERVICE_KEEP_ALIVE_TIMEOUT_SECONDS)) {
    problems.push(
      `idleTimeoutSeconds ${idle} must be between 1 and ${SERVICE_KEEP_ALIVE_TIMEOUT_SECONDS - 1}, below the services' keep-alive timeout of ${SERVICE_KEEP_ALIVE_TIMEOUT_SECONDS} s`,
    );
  }
  problems.push(...routeProblems(routesOf(args.services)));
  for (const [service, s] of Object.entries(args.services)) {
    // A Service's name is a DNS-1035 label: it must start with a letter.
    if (!isDns1035Label(service)) {
      problems.push(`service "${service}" is not a DNS-1035 label (it names a Kubernetes Service)`);
    }
    if (s.port !== undefined && !(Number.isInteger(s.port) && s.port >= 1 && s.port <= 65535)) {
      problems.push(`service "${service}": port ${s.port} is not a TCP port`);
    }
  }
  return problems;
}

export function routesOf(services: PublicLoadBalancerArgs["services"]): Route[] {
  return Object.keys(services)
    .sort()
    .map((service) => ({ service, host: services[service]!.host, path: services[service]!.path }));
}
