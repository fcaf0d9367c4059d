import {
  CONTROLLER_CHART,
  DEFAULT_TLS_POLICY,
  overlappingWildcards,
  TLS_POLICIES,
} from "@causeway/components";
import { z } from "zod";
import type { ByTier } from "../environment";
import { arnIssues } from "../arns";
import { CONTROLLER_CHART_APP_VERSIONS } from "../catalogue";
import { found, type ConfigIssue } from "../errors";
import { allowListCidr, arn, hostName } from "../primitives";
import { onOff, tierNote } from "../tier-note";
import type { CheckContext, Section } from "./section";
import type { ServicesConfig } from "./services";

const KEY = "causeway:edge";

/** A Route 53 hosted zone id, such as Z0123456789ABCDEFGHIJ. */
const hostedZoneId = z
  .string()
  .regex(
    /^Z[0-9A-Z]{1,31}$/,
    "must be a Route 53 hosted zone id: 'Z' then up to 31 upper-case letters or digits, such as Z0123456789ABCDEFGHIJ",
  );

const shared = {
  sslPolicy: DEFAULT_TLS_POLICY,
  allowedCidrs: ["0.0.0.0/0"],
  controller: { chartVersion: CONTROLLER_CHART.version },
};

/**
 * Tier defaults; a stack sets only what differs (and its certificate or domain). The schema's
 * field notes read them from here.
 */
const tierDefaults = {
  dev: {
    ...shared,
    waf: { enabled: false },
    accessLogs: { enabled: false, retentionDays: 7 },
    deletionProtection: false,
  },
  staging: {
    ...shared,
    // On in staging too: false positives of the managed rules show up before prod.
    waf: { enabled: true },
    accessLogs: { enabled: true, retentionDays: 30 },
    deletionProtection: false,
  },
  prod: {
    ...shared,
    waf: { enabled: true },
    accessLogs: { enabled: true, retentionDays: 90 },
    deletionProtection: true,
  },
};

type Tier = (typeof tierDefaults)[keyof typeof tierDefaults];
const note = (pick: (tier: Tier) => unknown, show?: (value: unknown) => string) =>
  tierNote(tierDefaults, pick, show);

/** `causeway:edge`: the public load balancer and the controller that registers its targets. */
export const edgeSchema = z
  .strictObject({
    certificateArn: arn("acm")
      .optional()
      .describe("An existing ACM certificate for the HTTPS listener (same Region as the ALB)"),
    domain: hostName
      .refine((d) => !d.startsWith("*."), "must be a host name without a wildcard")
      .optional()
      .describe(
        "Public host name: with zoneId, an alias record to the ALB, and the certificate's name when certificateArn is not set",
      ),
    zoneId: hostedZoneId
      .optional()
      .describe("Route 53 hosted zone of domain (alias record and DNS validation)"),
    zoneName: hostName
      .refine((d) => !d.startsWith("*."), "must be a zone name without a wildcard")
      .optional()
      .describe("The name of the zoneId hosted zone, such as example.com; required with zoneId"),
    certificateNames: z
      .array(hostName)
      .min(1, "must list at least the certificate's domain name")
      .optional()
      .describe(
        "The names certificateArn covers (its domain and subject alternative names, wildcards as *.example.com); required with certificateArn",
      ),
    sslPolicy: z
      .enum(TLS_POLICIES, {
        error: () => `must be one of the allowed TLS 1.3 policies: ${TLS_POLICIES.join(", ")}`,
      })
      .describe(`TLS policy of the HTTPS listener. Default ${DEFAULT_TLS_POLICY}`),
    allowedCidrs: z
      .array(allowListCidr)
      .min(1, "must list at least one CIDR; use 0.0.0.0/0 for the whole internet")
      .refine((c) => new Set(c).size === c.length, "lists a CIDR more than once")
      .describe(
        `Client CIDRs allowed on 443 and 80 (redirect only). ${note(
          (t) => t.allowedCidrs,
          (c) => `[${(c as string[]).join(", ")}]`,
        )}`,
      ),
    waf: z
      .strictObject({
        enabled: z
          .boolean()
          .describe(
            `WAFv2 web ACL with the AWS common and known-bad-inputs rule groups. ${note((t) => t.waf.enabled, onOff)}`,
          ),
      })
      .describe("Web application firewall"),
    accessLogs: z
      .strictObject({
        enabled: z
          .boolean()
          .describe(
            `ALB access logs to a new S3 bucket. ${note((t) => t.accessLogs.enabled, onOff)}`,
          ),
        retentionDays: z
          .number()
          .int()
          .min(1, "must be at least 1 day")
          .max(3650, "must be at most 3650 days")
          .describe(`Days before log objects expire. ${note((t) => t.accessLogs.retentionDays)}`),
      })
      .describe("Access logs"),
    deletionProtection: z
      .boolean()
      .describe(`ALB deletion protection. ${note((t) => t.deletionProtection, onOff)}`),
    controller: z
      .strictObject({
        chartVersion: z
          .string()
          .regex(/^\d+\.\d+\.\d+$/, "must be an exact chart version such as 3.5.0 (no ranges)")
          .describe(
            `aws-load-balancer-controller chart version from ${CONTROLLER_CHART.repo}; the bundled IAM policy is for ${CONTROLLER_CHART.version}`,
          ),
      })
      .describe("AWS Load Balancer Controller"),
  })
  .superRefine((edge, ctx) => {
    if (edge.zoneId !== undefined && edge.domain === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["zoneId"],
        message:
          "is set without domain; set domain to the host name the zone should point at the ALB",
      });
    }
    if (edge.zoneId !== undefined && edge.zoneName === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["zoneName"],
        message: `is required with zoneId: give the hosted zone's name (aws route53 get-hosted-zone --id ${edge.zoneId}), so the domain can be checked to lie inside it`,
      });
    }
    if (edge.zoneName !== undefined && edge.zoneId === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["zoneName"],
        message: "is set without zoneId; set zoneId to the hosted zone's id, or remove zoneName",
      });
    }
    if (
      edge.domain !== undefined &&
      edge.zoneName !== undefined &&
      !edge.domain.startsWith("*.") &&
      !inZone(edge.domain, edge.zoneName)
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["domain"],
        input: edge.domain,
        message: `must lie inside the hosted zone ${edge.zoneName} (zoneName): Route 53 refuses a record for a name outside its zone; use a name ending in .${edge.zoneName}, or the zone that holds ${edge.domain}`,
      });
    }
    if (edge.certificateArn !== undefined && edge.certificateNames === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["certificateNames"],
        message:
          "is required with certificateArn: list the names the certificate covers (aws acm describe-certificate: DomainName and SubjectAlternativeNames), so every exposed host can be checked against them",
      });
    }
    if (edge.certificateNames !== undefined && edge.certificateArn === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["certificateNames"],
        message:
          "is set without certificateArn; the certificate the stack creates covers domain, so remove certificateNames or set certificateArn",
      });
    }
  });

export type EdgeConfig = z.infer<typeof edgeSchema>;

/** The tier defaults, checked against the schema's type. */
export const edgeTierDefaults: ByTier<EdgeConfig> = tierDefaults;

/**
 * Cross-section checks: a stack that exposes a service serves it over HTTPS, so it needs a
 * certificate ARN, or a domain and zone to issue one. (Two services claiming the same host and
 * path is a graph rule: config/graph.ts reports it.) Skipped while causeway:services has problems
 * of its own.
 */
export function checkEdge(
  edge: EdgeConfig,
  context: CheckContext<{ services: ServicesConfig }>,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [
    ...(edge.certificateArn
      ? arnIssues(`${KEY}.certificateArn`, edge.certificateArn, context, true)
      : []),
    ...protectionIssues(edge, context.env),
  ];
  if (!(edge.controller.chartVersion in CONTROLLER_CHART_APP_VERSIONS)) {
    issues.push({
      path: `${KEY}.controller.chartVersion`,
      message: `must be a chart version whose IAM policy Causeway bundles: ${Object.entries(
        CONTROLLER_CHART_APP_VERSIONS,
      )
        .map(([chart, app]) => `${chart} (controller ${app})`)
        .join(", ")} (found ${found(edge.controller.chartVersion)})`,
    });
  }
  const services = context.parsed.services;
  if (!services) return issues;
  const exposed = Object.keys(services)
    .filter((name) => services[name]!.expose !== undefined)
    .sort();
  if (exposed.length === 0) return issues;
  if (
    edge.certificateArn === undefined &&
    (edge.domain === undefined || edge.zoneId === undefined)
  ) {
    issues.push({
      path: KEY,
      message: `HTTPS is requested (exposed: ${exposed.join(", ")}) but there is no certificate: set certificateArn, or domain and zoneId for a DNS-validated ACM certificate`,
    });
  }
  // Every host the listener serves is covered by the certificate: the declared names of
  // certificateArn, or domain for the certificate the stack creates.
  const names = edge.certificateArn
    ? edge.certificateNames
    : edge.domain
      ? [edge.domain]
      : undefined;
  if (names) {
    const hosts = [
      ...(edge.domain && edge.certificateArn ? [{ path: `${KEY}.domain`, host: edge.domain }] : []),
      ...exposed
        .filter((name) => services[name]!.expose!.host !== undefined)
        .map((name) => ({
          path: `causeway:services.${name}.expose.host`,
          host: services[name]!.expose!.host!,
        })),
    ];
    for (const { path, host } of hosts) {
      if (!names.some((n) => certificateCovers(n, host))) {
        issues.push({
          path,
          message: `is not covered by the certificate's names (${names.join(", ")}): browsers would refuse the TLS handshake; ${edge.certificateArn ? "use a certificate that covers it and list its names in causeway:edge.certificateNames" : "expose it on causeway:edge.domain, or set causeway:edge.certificateArn to a certificate that covers it"} (found ${found(host)})`,
        });
      }
    }
  }
  const routes = exposed.map((service) => ({ service, ...services[service]!.expose }));
  for (const message of overlappingWildcards(routes)) {
    issues.push({ path: "causeway:services", message });
  }
  return issues;
}

/** True when `name` is `zone` or a name inside it. */
function inZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/**
 * True when a certificate name covers `host`: the same name, or a wildcard `*.zone` that covers
 * exactly one more label (RFC 6125 6.4.3, as ACM issues them).
 */
export function certificateCovers(name: string, host: string): boolean {
  if (name === host) return true;
  if (!name.startsWith("*.")) return false;
  const rest = name.slice(2);
  const dot = host.indexOf(".");
  return dot > 0 && host.slice(dot + 1) === rest && !host.startsWith("*.");
}

/**
 * Production protections as config rules (the policy pack's alb-* rules are the second line):
 * deletion protection, access logs and the WAF are on in prod.
 */
function protectionIssues(edge: EdgeConfig, env: string): ConfigIssue[] {
  if (env !== "prod") return [];
  const rules: [string, boolean, string][] = [
    [
      "deletionProtection",
      edge.deletionProtection,
      "must be true in prod: a stray pulumi destroy or console click would take the public endpoint down",
    ],
    [
      "accessLogs.enabled",
      edge.accessLogs.enabled,
      "must be true in prod: the access logs are the only record of who called the public endpoint",
    ],
    [
      "waf.enabled",
      edge.waf.enabled,
      "must be true in prod: the WAF's managed rules block known-bad requests before they reach a service",
    ],
  ];
  return rules
    .filter(([, ok]) => !ok)
    .map(([field, , message]) => ({
      path: `${KEY}.${field}`,
      message: `${message} (found false)`,
    }));
}

/** `causeway:edge`, as the loader reads it. */
export const edgeSection = {
  schema: edgeSchema,
  required: false,
  description:
    "The public load balancer: certificateArn, or domain and zoneId; sslPolicy, allowedCidrs, waf, accessLogs, deletionProtection, controller.chartVersion.",
  tierDefaults: edgeTierDefaults,
  check: checkEdge,
} satisfies Section<EdgeConfig, { services: ServicesConfig }>;
