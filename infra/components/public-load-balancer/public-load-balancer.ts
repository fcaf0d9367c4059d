import * as aws from "../shared/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  ALB_IDLE_TIMEOUT_SECONDS,
  DEFAULT_SERVICE_PORT,
  DEREGISTRATION_DELAY_SECONDS,
  HealthPaths,
} from "../shared/contract";
import { AccessLogBucket } from "./access-log-bucket";
import { checkArgs, DesyncMitigationMode, routesOf, type PublicLoadBalancerArgs } from "./args";
import { physicalName } from "./naming";
import { internalPathRules, listenerRules } from "./routing";
import { egressRules, ingressRules, ListenerPorts } from "./security-group";
import { DEFAULT_TLS_POLICY } from "./tls";
import { internalPathsRule, managedRules, metricName } from "./waf";
import { ComponentArgsError } from "../shared/errors";
import { formerType } from "../shared/type-token";

export * from "./args";

/** Paths of a TargetGroupBinding's spec that the controller's webhook refuses to change. */
export const TARGET_GROUP_BINDING_IMMUTABLE_FIELDS = [
  "spec.targetGroupARN",
  "spec.targetType",
  "spec.ipAddressType",
  "spec.vpcID",
] as const;

/**
 * A hardened, internet-facing Application Load Balancer owned by Pulumi: HTTPS only (HTTP
 * redirects), a security group closed to everything but 80/443 in and the service ports out,
 * one IP target group per service with the readiness health check, listener rules from host
 * and path, optional access logs and WAF, and TargetGroupBindings that let the AWS Load Balancer
 * Controller register pod IPs.
 */
export class PublicLoadBalancer extends pulumi.ComponentResource {
  /** The Application Load Balancer. */
  readonly loadBalancer: aws.lb.LoadBalancer;
  /** The load balancer's security group: 80 and 443 in, the service ports out. */
  readonly securityGroup: aws.ec2.SecurityGroup;
  /** The HTTPS listener (443), which routes by host and path. */
  readonly httpsListener: aws.lb.Listener;
  /** The HTTP listener (80), which only redirects to HTTPS. */
  readonly httpListener: aws.lb.Listener;
  /** Target groups by service name. */
  readonly targetGroups: Readonly<Record<string, aws.lb.TargetGroup>>;
  /** TargetGroupBindings by service name (empty without `targetGroupBindings`). */
  readonly targetGroupBindings: Readonly<Record<string, k8s.apiextensions.CustomResource>>;
  /** The access-log bucket, unless access logs are off. */
  readonly accessLogBucket?: AccessLogBucket;
  /** The WAFv2 web ACL, unless the WAF is off. */
  readonly webAcl?: aws.wafv2.WebAcl;
  /** The load balancer's DNS name. */
  readonly dnsName: pulumi.Output<string>;
  /** `https://<domain>`, or `https://<load balancer DNS name>` without a domain. */
  readonly url: pulumi.Output<string>;
  /**
   * The source CIDRs the targets see: the load balancer's subnets (`subnetCidrs`, or looked up
   * from `subnetIds`). Its target groups use target type `ip`, so each connection to a pod comes
   * from a load balancer node's address in one of its subnets (AWS docs, "Target groups for your
   * Application Load Balancers", target type ip). Pass this load balancer as `NodeService`'s
   * `expose.loadBalancer`, and the service's NetworkPolicy admits exactly these.
   */
  readonly targetSources: pulumi.Output<string[]>;

  constructor(
    name: string,
    args: PublicLoadBalancerArgs,
    opts: pulumi.ComponentResourceOptions = {},
  ) {
    super(
      "causeway:index:PublicLoadBalancer",
      name,
      {},
      formerType("causeway:edge:PublicLoadBalancer", opts),
    );
    const problems = checkArgs(args);
    if (problems.length > 0) {
      throw new ComponentArgsError("PublicLoadBalancer", name, problems, this);
    }
    this.targetSources =
      args.subnetCidrs !== undefined
        ? pulumi.output(args.subnetCidrs)
        : pulumi
            .output(args.subnetIds)
            .apply((ids) =>
              pulumi.all(
                ids.map((id) => aws.ec2.getSubnetOutput({ id }, { parent: this }).cidrBlock),
              ),
            );
    const parent = { parent: this };
    const tags = args.tags;
    const sslPolicy = args.sslPolicy ?? DEFAULT_TLS_POLICY;
    const allowedCidrs = args.allowedCidrs ?? ["0.0.0.0/0"];
    const deletionProtection = args.deletionProtection ?? true;
    const accessLogs = args.accessLogs ?? { enabled: true };
    const waf = args.waf ?? { enabled: true };
    const services = Object.keys(args.services).sort();
    const portOf = (service: string) => args.services[service]!.port ?? DEFAULT_SERVICE_PORT;
    const identity = [pulumi.getProject(), pulumi.getStack(), name];

    // Security group: no inline rules (the provider then removes AWS's default allow-all
    // egress); every rule is its own resource with a description.
    this.securityGroup = new aws.ec2.SecurityGroup(
      `${name}-alb`,
      {
        description: `Public load balancer ${name}: HTTPS in, service ports out`,
        vpcId: args.vpcId,
        tags,
      },
      parent,
    );
    for (const rule of ingressRules(allowedCidrs)) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-${rule.key}`,
        {
          securityGroupId: this.securityGroup.id,
          ipProtocol: "tcp",
          fromPort: rule.port,
          toPort: rule.port,
          cidrIpv4: rule.cidrIpv4,
          description: rule.description,
          tags,
        },
        parent,
      );
    }
    const towards = "cidrIpv4" in args.targetNetwork ? "the VPC" : "the pods' security group";
    for (const rule of egressRules(services.map(portOf), towards)) {
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-${rule.key}`,
        {
          securityGroupId: this.securityGroup.id,
          ipProtocol: "tcp",
          fromPort: rule.port,
          toPort: rule.port,
          ...("cidrIpv4" in args.targetNetwork
            ? { cidrIpv4: args.targetNetwork.cidrIpv4 }
            : { referencedSecurityGroupId: args.targetNetwork.securityGroupId }),
          description: rule.description,
          tags,
        },
        parent,
      );
    }

    if (accessLogs.enabled) {
      this.accessLogBucket = new AccessLogBucket(
        `${name}-access-logs`,
        {
          retentionDays: accessLogs.retentionDays ?? 90,
          grantElbAccount: accessLogs.grantElbAccount ?? true,
          forceDestroy: accessLogs.forceDestroy ?? false,
          tags,
        },
        parent,
      );
    }

    const loadBalancerType = "application";
    const internal = false;
    this.loadBalancer = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        name: physicalName(name, [...identity, loadBalancerType, internal]),
        loadBalancerType,
        internal,
        ipAddressType: "ipv4",
        subnets: args.subnetIds,
        securityGroups: [this.securityGroup.id],
        dropInvalidHeaderFields: true,
        desyncMitigationMode: args.desyncMitigationMode ?? DesyncMitigationMode.defensive,
        idleTimeout: args.idleTimeoutSeconds ?? ALB_IDLE_TIMEOUT_SECONDS,
        enableDeletionProtection: deletionProtection,
        enableHttp2: true,
        ...(this.accessLogBucket
          ? {
              accessLogs: {
                enabled: true,
                bucket: this.accessLogBucket.bucketName,
                prefix: this.accessLogBucket.prefix,
              },
            }
          : {}),
        tags,
      },
      // Enabling access logs fails unless the bucket policy is in place.
      { ...parent, dependsOn: this.accessLogBucket ? [this.accessLogBucket] : [] },
    );
    this.dnsName = this.loadBalancer.dnsName;

    const certificateArn = args.certificateArn ?? this.validatedCertificate(name, args, tags);
    if (args.domain !== undefined && args.zoneId !== undefined) {
      new aws.route53.Record(
        `${name}-alias`,
        {
          zoneId: args.zoneId,
          name: args.domain,
          type: "A",
          aliases: [
            {
              name: this.loadBalancer.dnsName,
              zoneId: this.loadBalancer.zoneId,
              evaluateTargetHealth: true,
            },
          ],
        },
        parent,
      );
    }

    this.httpsListener = new aws.lb.Listener(
      `${name}-https`,
      {
        loadBalancerArn: this.loadBalancer.arn,
        port: ListenerPorts.https,
        protocol: "HTTPS",
        sslPolicy,
        certificateArn,
        defaultActions: [
          {
            type: "fixed-response",
            fixedResponse: {
              statusCode: "404",
              contentType: "text/plain",
              messageBody: "Not Found",
            },
          },
        ],
        tags,
      },
      parent,
    );
    this.httpListener = new aws.lb.Listener(
      `${name}-http`,
      {
        loadBalancerArn: this.loadBalancer.arn,
        port: ListenerPorts.http,
        protocol: "HTTP",
        defaultActions: [
          {
            type: "redirect",
            redirect: {
              protocol: "HTTPS",
              port: String(ListenerPorts.https),
              statusCode: "HTTP_301",
            },
          },
        ],
        tags,
      },
      parent,
    );

    const targetGroups: Record<string, aws.lb.TargetGroup> = {};
    for (const service of services) {
      const port = portOf(service);
      const protocol = "HTTP";
      const protocolVersion = "HTTP1";
      const targetType = "ip";
      const ipAddressType = "ipv4";
      targetGroups[service] = new aws.lb.TargetGroup(
        `${name}-${service}`,
        {
          // Every input that replaces a target group is in its name's hash (name, namePrefix,
          // port, protocol, protocolVersion, vpcId, targetType, ipAddressType are ForceNew in the
          // AWS provider: internal/service/elbv2/target_group.go; the same list is
          // @causeway/plan's replacement table, packages/plan/src/diff/facts/load-balancing.ts).
          // So a replacement (another VPC, port or protocol) gets a new name, and Pulumi's
          // create-before-delete creates it beside the old one instead of failing with
          // DuplicateTargetGroupName (names are unique per account and Region, at most 32
          // characters: API_CreateTargetGroup). The listener rules then move to the new ARN in
          // place and the bindings are replaced, before the old group is deleted.
          // deleteBeforeReplace would be worse: AWS refuses to delete a group a listener rule
          // still forwards to (ResourceInUse), and the rule is updated, not replaced, so it
          // would still point at the old group. namePrefix (at most 6 characters, the AWS
          // provider's target_group.go) would also be unique, but unreadable and random.
          name: pulumi
            .output(args.vpcId)
            .apply((vpcId) =>
              physicalName(service, [
                ...identity,
                service,
                port,
                protocol,
                targetType,
                protocolVersion,
                ipAddressType,
                vpcId,
              ]),
            ),
          targetType,
          ipAddressType,
          protocol,
          protocolVersion,
          port,
          vpcId: args.vpcId,
          deregistrationDelay: DEREGISTRATION_DELAY_SECONDS,
          healthCheck: {
            enabled: true,
            protocol,
            // The readiness endpoint on the service port: the same contract the pods' readiness
            // probe uses (infra/components/shared/contract.ts), so the two cannot drift apart.
            path: HealthPaths.readiness,
            port: "traffic-port",
            matcher: "200",
            interval: 10,
            timeout: 5,
            healthyThreshold: 2,
            unhealthyThreshold: 2,
          },
          tags,
        },
        parent,
      );
    }
    this.targetGroups = targetGroups;

    // The services' probes and metrics never leave the VPC: these rules answer 404 for them
    // before any forward rule is evaluated. The target groups' health checks are unaffected:
    // they go from the load balancer to each target directly, not through listener rules.
    for (const rule of internalPathRules()) {
      new aws.lb.ListenerRule(
        `${name}-internal-${rule.key}`,
        {
          listenerArn: this.httpsListener.arn,
          priority: rule.priority,
          actions: [
            {
              type: "fixed-response",
              fixedResponse: {
                statusCode: "404",
                contentType: "text/plain",
                messageBody: "Not Found",
              },
            },
          ],
          conditions: [{ pathPattern: { values: rule.pathPattern } }],
          tags,
        },
        parent,
      );
    }
    for (const rule of listenerRules(routesOf(args.services))) {
      new aws.lb.ListenerRule(
        `${name}-${rule.service}`,
        {
          listenerArn: this.httpsListener.arn,
          priority: rule.priority,
          actions: [{ type: "forward", targetGroupArn: targetGroups[rule.service]!.arn }],
          conditions: [
            ...(rule.hostHeader ? [{ hostHeader: { values: rule.hostHeader } }] : []),
            ...(rule.pathPattern ? [{ pathPattern: { values: rule.pathPattern } }] : []),
          ],
          tags,
        },
        parent,
      );
    }

    if (waf.enabled) {
      const metric = metricName(`${pulumi.getStack()}-${name}`);
      this.webAcl = new aws.wafv2.WebAcl(
        `${name}-waf`,
        {
          description: `Managed rule groups in front of the public load balancer ${name}`,
          scope: "REGIONAL",
          defaultAction: { allow: {} },
          rules: [internalPathsRule(metric), ...managedRules(metric)],
          visibilityConfig: {
            cloudwatchMetricsEnabled: true,
            metricName: metric,
            sampledRequestsEnabled: true,
          },
          tags,
        },
        parent,
      );
      new aws.wafv2.WebAclAssociation(
        `${name}-waf`,
        { resourceArn: this.loadBalancer.arn, webAclArn: this.webAcl.arn },
        parent,
      );
    }

    const bindings: Record<string, k8s.apiextensions.CustomResource> = {};
    if (args.targetGroupBindings) {
      // Without a provider of their own the bindings take the component's (the `provider` or
      // `providers` resource option, which children inherit from their parent), and without
      // dependsOn of their own they wait for what the component waits for.
      const { provider, namespace, dependsOn = opts.dependsOn } = args.targetGroupBindings;
      for (const service of services) {
        bindings[service] = new k8s.apiextensions.CustomResource(
          `${name}-${service}`,
          {
            apiVersion: "elbv2.k8s.aws/v1beta1",
            kind: "TargetGroupBinding",
            metadata: {
              name: service,
              namespace,
              labels: {
                "app.kubernetes.io/name": service,
                "app.kubernetes.io/part-of": "causeway",
              },
            },
            spec: {
              serviceRef: { name: service, port: portOf(service) },
              targetGroupARN: targetGroups[service]!.arn,
              targetType: "ip",
              vpcID: args.vpcId,
              // The controller opens the pods' port to the load balancer's security group only.
              networking: {
                ingress: [
                  {
                    from: [{ securityGroup: { groupID: this.securityGroup.id } }],
                    ports: [{ port: portOf(service), protocol: "TCP" }],
                  },
                ],
              },
            },
          },
          {
            parent: this,
            ...(provider ? { provider } : {}),
            dependsOn: dependsOn ?? [],
            // The controller's validating webhook refuses an update that changes these fields
            // ("TargetGroupBinding update may not change these immutable fields"):
            // webhooks/elbv2/targetgroupbinding_validator.go, checkImmutableFields,
            // kubernetes-sigs/aws-load-balancer-controller v3.5.0 (the pinned chart's app). A new
            // target group (the service's port or protocol changed) therefore replaces the
            // binding instead of failing half-way. Its name is fixed (the service's), so the old
            // one goes first: the new one would collide with it.
            replaceOnChanges: [...TARGET_GROUP_BINDING_IMMUTABLE_FIELDS],
            deleteBeforeReplace: true,
          },
        );
      }
    }
    this.targetGroupBindings = bindings;

    this.url =
      args.domain !== undefined
        ? pulumi.output(`https://${args.domain}`)
        : pulumi.interpolate`https://${this.loadBalancer.dnsName}`;

    this.registerOutputs({
      dnsName: this.dnsName,
      url: this.url,
      loadBalancerArn: this.loadBalancer.arn,
      securityGroupId: this.securityGroup.id,
      targetGroupArns: Object.fromEntries(services.map((s) => [s, targetGroups[s]!.arn])),
    });
  }

  /** A new ACM certificate for `domain`, validated through a DNS record in `zoneId`. */
  private validatedCertificate(
    name: string,
    args: PublicLoadBalancerArgs,
    tags: PublicLoadBalancerArgs["tags"],
  ): pulumi.Output<string> {
    const parent = { parent: this };
    const certificate = new aws.acm.Certificate(
      `${name}-certificate`,
      { domainName: args.domain!, validationMethod: "DNS", keyAlgorithm: "EC_prime256v1", tags },
      parent,
    );
    // One domain, no alternative names: exactly one validation record.
    const option = certificate.domainValidationOptions[0]!;
    const record = new aws.route53.Record(
      `${name}-certificate-validation`,
      {
        zoneId: args.zoneId!,
        name: option.resourceRecordName,
        type: option.resourceRecordType,
        records: [option.resourceRecordValue],
        ttl: 300,
        allowOverwrite: true,
      },
      parent,
    );
    const validation = new aws.acm.CertificateValidation(
      `${name}-certificate`,
      { certificateArn: certificate.arn, validationRecordFqdns: [record.fqdn] },
      parent,
    );
    return validation.certificateArn;
  }
}
