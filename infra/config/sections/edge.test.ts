import { describe, expect, it } from "vitest";
import { parsePlatformConfig } from "../load";
import { configProblems } from "../../test/config-problems";
import {
  FIXTURE_STACKS,
  fixtureConfig,
  rawFixtureConfig,
  type FixtureStack,
} from "../../test/fixtures";

const problems = configProblems;

/** The services a fixture stack exposes through the load balancer, as the edge names them. */
function exposedServices(stack: FixtureStack): string[] {
  const services = fixtureConfig(stack).services;
  return Object.keys(services)
    .filter((name) => services[name]!.expose !== undefined)
    .sort();
}

describe("causeway:edge tier defaults", () => {
  it("keeps dev cheap and makes prod protected, logged and filtered", () => {
    const table = FIXTURE_STACKS.map((stack) => {
      const e = parsePlatformConfig(rawFixtureConfig(stack), stack).edge;
      return [
        stack,
        e.deletionProtection,
        e.accessLogs.enabled,
        e.accessLogs.retentionDays,
        e.waf.enabled,
        e.sslPolicy,
        e.allowedCidrs,
        e.controller.chartVersion,
      ];
    });
    const tls = "ELBSecurityPolicy-TLS13-1-2-2021-06";
    const world = ["0.0.0.0/0"];
    expect(table).toEqual([
      ["dev", false, false, 7, false, tls, world, "3.5.0"],
      ["staging", false, true, 30, true, tls, world, "3.5.0"],
      ["prod", true, true, 90, true, tls, world, "3.5.0"],
    ]);
  });

  it("lets a stack override a default and keeps the rest", () => {
    const e = parsePlatformConfig(
      rawFixtureConfig("prod", {
        "causeway:edge": { allowedCidrs: ["203.0.113.0/24"], accessLogs: { retentionDays: 365 } },
      }),
      "prod",
    ).edge;
    expect([e.allowedCidrs, e.accessLogs, e.waf]).toEqual([
      ["203.0.113.0/24"],
      { enabled: true, retentionDays: 365 },
      { enabled: true },
    ]);
  });
});

describe("causeway:edge errors, named clearly", () => {
  it("HTTPS requested with neither a certificate ARN nor a DNS zone", () => {
    const raw = rawFixtureConfig("staging", { "causeway:edge": { zoneId: null, zoneName: null } });
    expect(problems(raw)).toEqual([
      `causeway:edge: HTTPS is requested (exposed: ${exposedServices("staging").join(", ")}) but there is no certificate: set certificateArn, or domain and zoneId for a DNS-validated ACM certificate`,
    ]);
  });

  it("needs no certificate when no service is exposed", () => {
    const raw = rawFixtureConfig("staging", {
      "causeway:edge": null,
      "causeway:services": Object.fromEntries(
        exposedServices("staging").map((name) => [name, { expose: null }]),
      ),
    });
    expect(parsePlatformConfig(raw, "staging").edge.certificateArn).toBeUndefined();
  });

  it("two services claiming the same host and path (the graph's check)", () => {
    const raw = rawFixtureConfig("dev", {
      "causeway:services": { orders: { expose: { path: "/" } } },
    });
    expect(problems(raw)).toEqual([
      'causeway:services.orders.expose: claims host "*" and path "/", which service "gateway" already exposes; give one of them another host or path',
    ]);
  });

  it("nested wildcard hosts on one path, which no listener-rule priority could order", () => {
    const raw = rawFixtureConfig("dev", {
      "causeway:services": {
        gateway: { expose: { host: "*.example.com", path: "/" } },
        orders: { expose: { host: "*.shop.example.com", path: "/" } },
      },
      "causeway:edge": {
        certificateNames: ["*.fixture.example.com", "*.example.com", "*.shop.example.com"],
      },
    });
    expect(problems(raw)).toEqual([
      'causeway:services: services "orders" (*.shop.example.com) and "gateway" (*.example.com) overlap on path /: a request for a host under *.shop.example.com matches both; give one of them an exact host or another path',
    ]);
  });

  it("an invalid CIDR", () => {
    const raw = rawFixtureConfig("dev", {
      "causeway:edge": { allowedCidrs: ["0.0.0.0/0", "10.0.0.256/8", "10.0.0.0/33"] },
    });
    expect(problems(raw)).toEqual([
      'causeway:edge.allowedCidrs[1]: must be an IPv4 CIDR block such as 10.0.0.0/16 or 0.0.0.0/0 (found "10.0.0.256/8")',
      'causeway:edge.allowedCidrs[2]: must be an IPv4 CIDR block such as 10.0.0.0/16 or 0.0.0.0/0 (found "10.0.0.0/33")',
    ]);
  });

  it("a TLS policy outside the allowlist", () => {
    const raw = rawFixtureConfig("dev", {
      "causeway:edge": { sslPolicy: "ELBSecurityPolicy-2016-08" },
    });
    expect(problems(raw)).toEqual([
      'causeway:edge.sslPolicy: must be one of the allowed TLS 1.3 policies: ELBSecurityPolicy-TLS13-1-2-2021-06, ELBSecurityPolicy-TLS13-1-2-Res-2021-06, ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09, ELBSecurityPolicy-TLS13-1-3-2021-06, ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04, ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09, ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04 (found "ELBSecurityPolicy-2016-08")',
    ]);
  });

  it("a zone without a domain, a bad zone id, a wildcard domain, an empty CIDR list", () => {
    const raw = rawFixtureConfig("dev", {
      "causeway:edge": {
        certificateArn: "arn:aws:acm:eu-central-1:444455556666:certificate/x",
        domain: null,
        zoneId: "z123",
        allowedCidrs: [],
      },
    });
    expect(problems(raw)).toEqual([
      "causeway:edge.zoneId: must be a Route 53 hosted zone id: 'Z' then up to 31 upper-case letters or digits, such as Z0123456789ABCDEFGHIJ (found \"z123\")",
      "causeway:edge.allowedCidrs: must list at least one CIDR; use 0.0.0.0/0 for the whole internet (found [])",
      "causeway:edge.zoneId: is set without domain; set domain to the host name the zone should point at the ALB",
    ]);
    const wildcard = rawFixtureConfig("dev", { "causeway:edge": { domain: "*.example.com" } });
    expect(problems(wildcard)).toEqual([
      'causeway:edge.domain: must be a host name without a wildcard (found "*.example.com")',
    ]);
    const orphanZone = rawFixtureConfig("dev", { "causeway:edge": { domain: null } });
    expect(problems(orphanZone)).toEqual([
      "causeway:edge.zoneId: is set without domain; set domain to the host name the zone should point at the ALB",
    ]);
  });
});
