import * as lb from "@pulumi/aws/lb";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { isProduction, list, tierConfigSchema } from "./common";

/** Application Load Balancer rules. */

/**
 * TLS policies that negotiate TLS 1.2+ with forward-secret ciphers only.
 * Source: AWS, "Security policies for your Application Load Balancer"
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html).
 */
export const ALLOWED_TLS_POLICIES = [
  "ELBSecurityPolicy-TLS13-1-2-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
  "ELBSecurityPolicy-FS-1-2-Res-2020-10",
  "ELBSecurityPolicy-FS-1-2-Res-2019-08",
] as const;

const loadBalancer = lb.LoadBalancer;
const listener = lb.Listener;

export const albPolicies: ResourceValidationPolicy[] = [
  {
    // Source: checkov CKV_AWS_103 (load balancer listener uses TLS 1.2); AWS ELB security policies.
    name: "alb-tls-policy-allowlist",
    description: "HTTPS and TLS listeners use a TLS 1.2+ forward-secret security policy.",
    validateResource: validateResourceOfType(listener, (l, _args, report) => {
      if (l.protocol !== "HTTPS" && l.protocol !== "TLS") return;
      if (!ALLOWED_TLS_POLICIES.includes(l.sslPolicy as (typeof ALLOWED_TLS_POLICIES)[number])) {
        report(
          `sslPolicy ${l.sslPolicy ?? "(default ELBSecurityPolicy-2016-08)"} is not allowed; use one of ${list(ALLOWED_TLS_POLICIES)}`,
        );
      }
    }),
  },
  {
    // Source: checkov CKV2_AWS_20 (ALB redirects HTTP requests into HTTPS ones), CKV_AWS_2.
    name: "alb-http-listener-redirect-only",
    description: "A plain HTTP listener only redirects to HTTPS.",
    validateResource: validateResourceOfType(listener, (l, _args, report) => {
      if (l.protocol !== "HTTP") return;
      const actions = l.defaultActions ?? [];
      const ok =
        actions.length === 1 &&
        actions[0]!.type === "redirect" &&
        actions[0]!.redirect?.protocol === "HTTPS";
      if (!ok) report("an HTTP listener must have exactly one default action: redirect to HTTPS");
    }),
  },
  {
    // Source: checkov CKV_AWS_2 (ALB listener uses HTTPS): an HTTPS listener needs a certificate.
    name: "alb-https-listener-certificate",
    description: "An HTTPS listener has a certificate.",
    validateResource: validateResourceOfType(listener, (l, _args, report) => {
      if (l.protocol === "HTTPS" && !l.certificateArn)
        report("HTTPS listener has no certificateArn");
    }),
  },
  {
    // Source: checkov CKV_AWS_131 (ALB drops HTTP headers); AWS Security Hub ELB.4.
    name: "alb-drop-invalid-header-fields",
    description: "The ALB drops invalid HTTP header fields.",
    validateResource: validateResourceOfType(loadBalancer, (lb, _args, report) => {
      if (lb.loadBalancerType === "network" || lb.loadBalancerType === "gateway") return;
      if (lb.dropInvalidHeaderFields !== true) report("dropInvalidHeaderFields must be true");
    }),
  },
  {
    // Source: AWS Security Hub ELB.12 (ALB configured with defensive or strictest desync mitigation).
    name: "alb-desync-mitigation",
    description: "The ALB uses the defensive or strictest HTTP desync mitigation mode.",
    validateResource: validateResourceOfType(loadBalancer, (lb, _args, report) => {
      if (lb.loadBalancerType === "network" || lb.loadBalancerType === "gateway") return;
      if (lb.desyncMitigationMode === "monitor") {
        report(
          'desyncMitigationMode "monitor" lets desync attacks through; use defensive or strictest',
        );
      }
    }),
  },
  {
    // Source: checkov CKV_AWS_150 (load balancer has deletion protection enabled).
    name: "alb-deletion-protection-prod",
    description: "Production load balancers have deletion protection.",
    configSchema: tierConfigSchema,
    validateResource: validateResourceOfType(loadBalancer, (lb, args, report) => {
      if (isProduction(args) && lb.enableDeletionProtection !== true) {
        report("enableDeletionProtection must be true in production");
      }
    }),
  },
  {
    // Source: checkov CKV_AWS_91 (ELBv2 access logging enabled); AWS Security Hub ELB.5.
    name: "alb-access-logs-prod",
    description: "Production load balancers write access logs.",
    configSchema: tierConfigSchema,
    validateResource: validateResourceOfType(loadBalancer, (lb, args, report) => {
      if (!isProduction(args)) return;
      if (lb.accessLogs?.enabled !== true || !lb.accessLogs.bucket) {
        report("accessLogs must be enabled with a bucket in production");
      }
    }),
  },
  {
    // Source: AWS ELB target group health checks
    // (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html):
    // without a health check path the ALB probes "/" and routes to pods that are not ready.
    name: "alb-target-group-health-check",
    description: "Target groups health-check an explicit HTTP path.",
    validateResource: validateResourceOfType(lb.TargetGroup, (tg, _args, report) => {
      if (tg.targetType === "lambda") return;
      const hc = tg.healthCheck;
      if (!hc || hc.enabled === false) report("healthCheck must be enabled");
      else if ((hc.protocol ?? tg.protocol ?? "HTTP").startsWith("HTTP") && !hc.path) {
        report("healthCheck.path must be set (the service's readiness path)");
      }
    }),
  },
];
