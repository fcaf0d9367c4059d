import {
  CONTROLLER_CHART,
  DEFAULT_TLS_POLICY,
  overlappingWildcards,
  TLS_POLICIES,
} from "@causeway/components";
import { z } from "zod";
import type { ByTier } from "../environment";
import type { ConfigIssue } from "../errors";
import { arn, hostName, ipv4Cidr } from "../primitives";
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
    sslPolicy: z
      .enum(TLS_POLICIES, {
        error: () => `must be one of the allowed TLS 1.3 policies: ${TLS_POLICIES.join(", ")}`,
      })
      .describe(`TLS policy of the HTTPS listener. Default ${DEFAULT_TLS_POLICY}`),
    allowedCidrs: z
      .array(ipv4Cidr)
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
  { parsed }: CheckContext<{ services: ServicesConfig }>,
): ConfigIssue[] {
  const services = parsed.services;
  if (!services) return [];
  const exposed = Object.keys(services)
    .filter((name) => services[name]!.expose !== undefined)
    .sort();
  if (exposed.length === 0) return [];
  const issues: ConfigIssue[] = [];
  if (
    edge.certificateArn === undefined &&
    (edge.domain === undefined || edge.zoneId === undefined)
  ) {
    issues.push({
      path: KEY,
      message: `HTTPS is requested (exposed: ${exposed.join(", ")}) but there is no certificate: set certificateArn, or domain and zoneId for a DNS-validated ACM certificate`,
    });
  }
  const routes = exposed.map((service) => ({ service, ...services[service]!.expose }));
  for (const message of overlappingWildcards(routes)) {
    issues.push({ path: "causeway:services", message });
  }
  return issues;
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
