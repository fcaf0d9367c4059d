import { describe, expect, it } from "vitest";
import {
  HealthPaths,
  INTERNAL_PATHS,
  internalPathRules,
  pathPatternMatches,
  Ports,
} from "@causeway/components";
import type { PlanView } from "../plan/harness";
import { FIXTURE_STACKS as stacks, fixtureConfig, planFixture } from "../test/fixtures";

const T = {
  alb: "aws:lb/loadBalancer:LoadBalancer",
  listener: "aws:lb/listener:Listener",
  rule: "aws:lb/listenerRule:ListenerRule",
  tg: "aws:lb/targetGroup:TargetGroup",
  tgb: "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
  release: "kubernetes:helm.sh/v3:Release",
  deployment: "kubernetes:apps/v1:Deployment",
  bucket: "aws:s3/bucket:Bucket",
  waf: "aws:wafv2/webAcl:WebAcl",
  cert: "aws:acm/certificate:Certificate",
} as const;

/** The fixture graph's exposed services, sorted. */
const exposedOf = (stack: (typeof stacks)[number]) =>
  Object.entries(fixtureConfig(stack).services)
    .filter(([, s]) => s.expose)
    .map(([name]) => name)
    .sort();

interface Container {
  name: string;
  ports?: { name?: string; containerPort: number }[];
  readinessProbe?: { httpGet?: { path: string; port: number | string } };
}

/** The readiness probe of a service's Deployment, with a named port resolved to its number. */
function readinessProbe(plan: PlanView, service: string) {
  const spec = plan.get(T.deployment, service).inputs["spec"] as {
    template: { spec: { containers: Container[] } };
  };
  const container = spec.template.spec.containers.find((c) => c.name === service)!;
  const { path, port } = container.readinessProbe!.httpGet!;
  const number =
    typeof port === "number" ? port : container.ports!.find((p) => p.name === port)!.containerPort;
  return { path, port: number };
}

describe.each(stacks)("the %s stack's edge", (stack) => {
  it("holds one ALB, the 443 and 80 listeners, and per exposed service a target group, rule and binding", async () => {
    const plan = await planFixture(stack);
    expect(plan.byType(T.alb)).toHaveLength(1);
    expect(plan.byType(T.listener).map((l) => [l.inputs["port"], l.inputs["protocol"]])).toEqual([
      [80, "HTTP"],
      [443, "HTTPS"],
    ]);
    expect(plan.get(T.listener, "edge-http").inputs["defaultActions"]).toEqual([
      { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
    ]);
    const perService = exposedOf(stack).map((name) => `edge-${name}`);
    expect(perService).toEqual(["edge-gateway"]);
    expect(plan.byType(T.tg).map((r) => r.name)).toEqual(perService);
    expect(
      plan
        .byType(T.rule)
        .map((r) => r.name)
        .sort(),
    ).toEqual([...perService, ...internalPathRules().map((r) => `edge-internal-${r.key}`)].sort());
    expect(plan.byType(T.tgb).map((r) => r.name)).toEqual(perService);
    expect(plan.byType(T.release).map((r) => r.name)).toContain("aws-load-balancer-controller");
  });

  it("checks health on the path and port of the pods' readiness probe", async () => {
    const plan = await planFixture(stack);
    const tg = plan.get(T.tg, "edge-gateway").inputs;
    const health = tg["healthCheck"] as { path: string; port: string };
    const probe = readinessProbe(plan, "gateway");
    expect(health.path).toBe(probe.path);
    expect(health.port).toBe("traffic-port");
    expect(tg["port"]).toBe(probe.port);
  });

  it("creates the binding after the controller and the Service, in the app namespace, with the cluster provider", async () => {
    const plan = await planFixture(stack);
    const tgb = plan.get(T.tgb, "edge-gateway");
    const release = plan.get(T.release, "aws-load-balancer-controller");
    const service = plan.get("kubernetes:core/v1:Service", "gateway");
    expect(tgb.dependencies).toEqual(expect.arrayContaining([release.urn, service.urn]));
    // Never on the Deployment: its pods wait for the readiness gate the binding satisfies.
    expect(tgb.dependencies).not.toContain(plan.get(T.deployment, "gateway").urn);
    expect(tgb.provider).toBe(plan.get("pulumi:providers:kubernetes", "cluster").urn);
    expect(tgb.inputs["metadata"]).toMatchObject({ name: "gateway", namespace: "causeway" });
    expect((tgb.inputs["spec"] as { serviceRef: unknown }).serviceRef).toEqual({
      name: "gateway",
      port: 8080,
    });
  });

  it("opens no security group to 0.0.0.0/0 except on 80 and 443, and describes every rule", async () => {
    const plan = await planFixture(stack);
    const rules = plan.resources.filter((r) =>
      /^aws:vpc\/securityGroup(Ingress|Egress)Rule:|^aws:ec2\/securityGroupRule:/.test(r.type),
    );
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) {
      expect([r.name, String(r.inputs["description"] ?? "").length > 10]).toEqual([r.name, true]);
      const world =
        r.inputs["cidrIpv4"] === "0.0.0.0/0" ||
        (r.inputs["cidrBlocks"] as string[] | undefined)?.includes("0.0.0.0/0");
      if (world) {
        expect([80, 443]).toContain(r.inputs["fromPort"]);
        expect(r.inputs["toPort"]).toBe(r.inputs["fromPort"]);
        expect(r.type).toBe("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
      }
    }
    for (const sg of plan.byType("aws:ec2/securityGroup:SecurityGroup")) {
      expect([sg.name, sg.inputs["ingress"], sg.inputs["egress"]]).toEqual([
        sg.name,
        undefined,
        undefined,
      ]);
    }
  });

  it("exports the ALB DNS name and the public URL", async () => {
    const plan = await planFixture(stack);
    const domain = { dev: "dev", staging: "staging", prod: "api" }[stack];
    expect(plan.outputs).toMatchObject({
      albDnsName: "(known after apply)",
      url: `https://${domain}.fixture.example.com`,
    });
  });
});

interface PlannedRule {
  name: string;
  priority: number;
  actions: { type: string; targetGroupArn?: string; fixedResponse?: { statusCode: string } }[];
  conditions: { hostHeader?: { values: string[] }; pathPattern?: { values: string[] } }[];
}

/** The HTTPS listener's rules as the plan has them, in the ALB's evaluation order. */
function plannedRules(plan: PlanView): PlannedRule[] {
  return plan
    .byType(T.rule)
    .map((r) => ({ name: r.name, ...(r.inputs as Omit<PlannedRule, "name">) }))
    .sort((a, b) => a.priority - b.priority);
}

/** The rule the ALB applies to a request (lowest priority whose conditions all match), if any. */
function ruleFor(rules: PlannedRule[], host: string, path: string): PlannedRule | undefined {
  const hostMatches = (pattern: string) =>
    pathPatternMatches(pattern.toLowerCase(), host.toLowerCase()); // host match ignores case
  return rules.find((r) =>
    r.conditions.every(
      (c) =>
        (!c.hostHeader || c.hostHeader.values.some(hostMatches)) &&
        (!c.pathPattern || c.pathPattern.values.some((v) => pathPatternMatches(v, path))),
    ),
  );
}

describe.each(stacks)("the %s stack's exposure", (stack) => {
  const internalSpellings = INTERNAL_PATHS.flatMap((p) => {
    const capitalized = `/${p.charAt(1).toUpperCase()}${p.slice(2)}`;
    return [
      p,
      `${p}/`,
      `${p}/x`,
      `${p}?format=json`,
      p.toUpperCase(),
      `${p.toUpperCase()}/`,
      capitalized,
    ];
  });

  it("routes no internal path to a target group: each meets a 404 rule first", async () => {
    const plan = await planFixture(stack);
    const rules = plannedRules(plan);
    const host = fixtureConfig(stack).edge.domain ?? "alb.example.com";
    expect(internalSpellings).toContain("/metrics");
    for (const path of internalSpellings) {
      const rule = ruleFor(rules, host, path);
      expect([path, rule?.actions]).toEqual([
        path,
        [
          {
            type: "fixed-response",
            fixedResponse: {
              statusCode: "404",
              contentType: "text/plain",
              messageBody: "Not Found",
            },
          },
        ],
      ]);
    }
    // The same request on any other path still reaches the gateway: the check can fail.
    expect(ruleFor(rules, host, "/orders")?.actions).toEqual([
      {
        type: "forward",
        targetGroupArn: expect.stringContaining(plan.get(T.tg, "edge-gateway").urn),
      },
    ]);
    expect(ruleFor(rules, host, "/metrics-dashboard")?.name).toBe("edge-gateway");
  });

  it("gives every fixed-response rule a higher priority than every forward rule", async () => {
    const rules = plannedRules(await planFixture(stack));
    const forward = rules.filter((r) => r.actions.some((a) => a.type === "forward"));
    const fixed = rules.filter((r) => r.actions.every((a) => a.type === "fixed-response"));
    expect(forward.map((r) => r.name)).toEqual(["edge-gateway"]);
    expect(fixed).toHaveLength(internalPathRules().length);
    expect(Math.max(...fixed.map((r) => r.priority))).toBeLessThan(
      Math.min(...forward.map((r) => r.priority)),
    );
  });

  it("still checks target health on the readiness path, straight to each target", async () => {
    const plan = await planFixture(stack);
    const health = plan.get(T.tg, "edge-gateway").inputs["healthCheck"] as Record<string, unknown>;
    expect(health).toMatchObject({ path: HealthPaths.readiness, port: "traffic-port" });
  });

  it("admits the load balancer's subnets on the gateway's port, and the scraper on every service's metrics ports", async () => {
    const plan = await planFixture(stack);
    const config = fixtureConfig(stack);
    type Np = { ingress: { from: Record<string, unknown>[]; ports: { port: number }[] }[] };
    for (const name of Object.keys(config.services).sort()) {
      const spec = plan.get("kubernetes:networking.k8s.io/v1:NetworkPolicy", name).inputs[
        "spec"
      ] as Np;
      const port = config.services[name]!.port;
      const fromCidrs = spec.ingress.filter((r) => r.from.some((f) => "ipBlock" in f));
      expect(fromCidrs).toEqual(
        config.services[name]!.expose
          ? [
              {
                from: config.network.publicSubnetCidrs.map((cidr) => ({ ipBlock: { cidr } })),
                ports: [{ protocol: "TCP", port }],
              },
            ]
          : [],
      );
      const scraped = spec.ingress.filter((r) => r.from.some((f) => "namespaceSelector" in f));
      expect(scraped).toEqual([
        {
          from: [
            {
              // The stack's ADOT collector (causeway:observability.metrics).
              namespaceSelector: {
                matchLabels: { "kubernetes.io/metadata.name": "observability" },
              },
              podSelector: { matchLabels: { "app.kubernetes.io/name": "adot-collector" } },
            },
          ],
          ports: [
            { protocol: "TCP", port },
            { protocol: "TCP", port: Ports.envoyMetrics },
          ],
        },
      ]);
    }
  });
});

describe("edge differences between tiers", () => {
  it("protects, logs and filters prod; keeps dev cheap", async () => {
    const table = [];
    for (const stack of stacks) {
      const plan = await planFixture(stack);
      const alb = plan.get(T.alb, "edge-alb").inputs;
      table.push([
        stack,
        alb["enableDeletionProtection"],
        (alb["accessLogs"] as { enabled?: boolean } | undefined)?.enabled ?? false,
        plan.byType(T.bucket).filter((b) => b.name === "edge-access-logs").length,
        plan.byType(T.waf).length,
        plan.byType(T.cert).length,
        alb["dropInvalidHeaderFields"],
        alb["idleTimeout"],
      ]);
    }
    expect(table).toEqual([
      // stack, deletion protection, access logs, log bucket, WAF, new certificate, headers, idle
      ["dev", false, false, 0, 0, 0, true, 60],
      ["staging", false, true, 1, 1, 1, true, 60],
      ["prod", true, true, 1, 1, 1, true, 60],
    ]);
  });
});

describe("edge routing from the graph", () => {
  it("adds a rule for a newly exposed service without moving the existing one", async () => {
    const before = await planFixture("dev");
    const after = await planFixture("dev", {
      "causeway:services": { orders: { expose: { host: "orders.fixture.example.com" } } },
    });
    const priority = (p: PlanView, name: string) => p.get(T.rule, name).inputs["priority"];
    expect(priority(after, "edge-gateway")).toBe(priority(before, "edge-gateway"));
    expect(after.get(T.rule, "edge-orders").inputs["conditions"]).toEqual([
      { hostHeader: { values: ["orders.fixture.example.com"] } },
    ]);
    expect(priority(after, "edge-orders")).toBeLessThan(priority(after, "edge-gateway") as number);
    expect(after.byType(T.tgb).map((r) => r.name)).toEqual(["edge-gateway", "edge-orders"]);
  });

  it("creates no load balancer when nothing is exposed, but keeps the controller", async () => {
    const plan = await planFixture("dev", {
      "causeway:services": { gateway: { expose: null } },
    });
    expect(plan.byType(T.alb)).toEqual([]);
    expect(plan.byType(T.tgb)).toEqual([]);
    expect(plan.byType(T.release).map((r) => r.name)).toContain("aws-load-balancer-controller");
    expect(plan.outputs["url"]).toBeUndefined();
  });
});
