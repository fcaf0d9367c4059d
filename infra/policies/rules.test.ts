import { describe, expect, it } from "vitest";
import { causewayPack } from "./policies";
import { evaluatePack } from "./evaluate";
import { tierPolicyConfig } from "./rules/common";
import { clusterCases } from "./test/cluster-cases";
import { observabilityCases } from "./test/observability-cases";
import { evaluateOne, testPlan, violationsOf, type TestResource } from "./test/support";

/** Every rule of the pack, with resources that pass it and resources that fail it. */

const LB = "aws:lb/loadBalancer:LoadBalancer";
const LISTENER = "aws:lb/listener:Listener";
const TG = "aws:lb/targetGroup:TargetGroup";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const BROKER = "aws:mq/broker:Broker";
const DB = "aws:rds/instance:Instance";
const CACHE = "aws:elasticache/replicationGroup:ReplicationGroup";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const RELEASE = "kubernetes:helm.sh/v3:Release";

type Props = Record<string, unknown>;
const r = (type: string, name: string, props: Props, dependsOn?: string[]): TestResource => ({
  type,
  name,
  props,
  ...(dependsOn ? { dependsOn } : {}),
});

const lbProps: Props = {
  loadBalancerType: "application",
  dropInvalidHeaderFields: true,
  desyncMitigationMode: "defensive",
  enableDeletionProtection: true,
  accessLogs: { enabled: true, bucket: "alb-logs" },
  securityGroups: ["(known after apply: urn:sg)"],
};
const lb = (p: Props = {}) => r(LB, "alb", { ...lbProps, ...p }, ["alb-sg"]);
const https = (p: Props = {}) =>
  r(LISTENER, "https", {
    protocol: "HTTPS",
    port: 443,
    sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    certificateArn: "arn:aws:acm:eu-west-1:111122223333:certificate/abc",
    ...p,
  });
const redirect = {
  type: "redirect",
  redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" },
};
const http = (p: Props = {}) =>
  r(LISTENER, "http", { protocol: "HTTP", port: 80, defaultActions: [redirect], ...p });
const tg = (p: Props = {}) =>
  r(TG, "tg", {
    port: 8080,
    protocol: "HTTP",
    targetType: "ip",
    healthCheck: { enabled: true, path: "/readyz" },
    ...p,
  });
const sg = (name = "alb-sg", p: Props = {}) =>
  r(SG, name, { description: "ALB: HTTPS in", vpcId: "vpc-1", ...p });
const ingress = (p: Props = {}, group = "alb-sg", name = "https-in") =>
  r(
    INGRESS,
    name,
    {
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
      description: "HTTPS",
      ...p,
    },
    [group],
  );

const broker = (p: Props = {}) =>
  r(BROKER, "broker", {
    engineType: "RabbitMQ",
    deploymentMode: "CLUSTER_MULTI_AZ",
    publiclyAccessible: false,
    autoMinorVersionUpgrade: true,
    logs: { general: true },
    ...p,
  });
const cache = (p: Props = {}) =>
  r(CACHE, "cache", {
    engine: "valkey",
    transitEncryptionEnabled: true,
    transitEncryptionMode: "required",
    atRestEncryptionEnabled: true,
    automaticFailoverEnabled: true,
    multiAzEnabled: true,
    ...p,
  });
const db = (p: Props = {}) =>
  r(DB, "db", {
    engine: "postgres",
    storageEncrypted: true,
    publiclyAccessible: false,
    deletionProtection: true,
    multiAz: true,
    backupRetentionPeriod: 7,
    ...p,
  });

interface PodChange {
  pod?: Props;
  container?: Props;
  securityContext?: Props;
  replicas?: number;
  namespace?: string;
}
const deployment = (c: PodChange = {}, name = "orders") =>
  r(DEPLOYMENT, name, {
    metadata: { name, namespace: c.namespace ?? "causeway" },
    spec: {
      replicas: c.replicas ?? 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
          containers: [
            {
              name,
              image: "111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders:3f2a1b",
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
                ...c.securityContext,
              },
              readinessProbe: { httpGet: { path: "/readyz", port: 8080 } },
              livenessProbe: { httpGet: { path: "/livez", port: 8080 } },
              resources: {
                requests: { cpu: "100m", memory: "128Mi" },
                limits: { memory: "256Mi" },
              },
              ...c.container,
            },
          ],
          ...c.pod,
        },
      },
    },
  });
const pdb = (spec: Props = { maxUnavailable: 1 }, app = "orders") =>
  r(PDB, `${app}-pdb`, {
    metadata: { name: app, namespace: "causeway" },
    spec: { selector: { matchLabels: { app } }, ...spec },
  });
const netpol = (app = "orders") =>
  r(NETPOL, `${app}-netpol`, {
    metadata: { name: app, namespace: "causeway" },
    spec: { podSelector: { matchLabels: { app } }, policyTypes: ["Ingress", "Egress"] },
  });
const hpa = (minReplicas: number) =>
  r(HPA, "orders-hpa", {
    metadata: { name: "orders", namespace: "causeway" },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "orders" },
      minReplicas,
      maxReplicas: 6,
    },
  });
const consulValues = {
  global: {
    tls: { enabled: true, enableAutoEncrypt: true, verify: true },
    acls: { manageSystemACLs: true },
    gossipEncryption: { secretName: "consul-gossip", secretKey: "key" },
  },
  server: { replicas: 3 },
};
const consul = (values: Props = consulValues) =>
  r(RELEASE, "consul-chart", { chart: "consul", version: "1.9.11", values });
const merge = (a: Props, b: Props): Props => {
  const out: Props = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] =
      typeof v === "object" &&
      v !== null &&
      !Array.isArray(v) &&
      typeof cur === "object" &&
      cur !== null
        ? merge(cur as Props, v as Props)
        : v;
  }
  return out;
};
const consulWith = (patch: Props) => consul(merge(consulValues, patch));

interface Case {
  readonly pass: TestResource[];
  readonly fail: TestResource[];
  readonly message: string;
  readonly stack?: string;
}

const cases: Record<string, Case> = {
  "alb-tls-policy-allowlist": {
    pass: [https()],
    fail: [https({ sslPolicy: "ELBSecurityPolicy-2016-08" })],
    message:
      "sslPolicy ELBSecurityPolicy-2016-08 is not allowed; use one of ELBSecurityPolicy-TLS13-1-2-2021-06",
  },
  "alb-http-listener-redirect-only": {
    pass: [http()],
    fail: [http({ defaultActions: [{ type: "forward", targetGroupArn: "arn:tg" }] })],
    message: "an HTTP listener must have exactly one default action: redirect to HTTPS",
  },
  "alb-https-listener-certificate": {
    pass: [https()],
    fail: [https({ certificateArn: undefined })],
    message: "HTTPS listener has no certificateArn",
  },
  "alb-drop-invalid-header-fields": {
    pass: [sg(), lb()],
    fail: [sg(), lb({ dropInvalidHeaderFields: false })],
    message: "dropInvalidHeaderFields must be true",
  },
  "alb-desync-mitigation": {
    pass: [sg(), lb()],
    fail: [sg(), lb({ desyncMitigationMode: "monitor" })],
    message:
      'desyncMitigationMode "monitor" lets desync attacks through; use defensive or strictest',
  },
  "alb-deletion-protection-prod": {
    stack: "prod",
    pass: [sg(), lb()],
    fail: [sg(), lb({ enableDeletionProtection: false })],
    message: "enableDeletionProtection must be true in production",
  },
  "alb-access-logs-prod": {
    stack: "prod",
    pass: [sg(), lb()],
    fail: [sg(), lb({ accessLogs: undefined })],
    message: "accessLogs must be enabled with a bucket in production",
  },
  "alb-target-group-health-check": {
    pass: [tg()],
    fail: [tg({ healthCheck: { enabled: true } })],
    message: "healthCheck.path must be set (the service's readiness path)",
  },
  "sg-world-ingress-web-ports-only": {
    pass: [sg(), ingress(), ingress({ fromPort: 80, toPort: 80 }, "alb-sg", "http-in")],
    fail: [sg(), ingress({ fromPort: 22, toPort: 22 })],
    message: "ingress from 0.0.0.0/0 on tcp 22-22: the internet may only reach tcp 80 and 443",
  },
  "sg-world-ingress-alb-only": {
    pass: [
      sg(),
      ingress(),
      lb(),
      sg("db-sg"),
      ingress({ cidrIpv4: "10.0.0.0/16", fromPort: 5432, toPort: 5432 }, "db-sg", "pg-in"),
    ],
    fail: [sg(), lb(), sg("db-sg"), ingress({}, "db-sg", "db-https-in")],
    message:
      "db-https-in admits the internet, but its security group db-sg is not a load balancer's",
  },
  "sg-rule-description": {
    pass: [
      sg(),
      ingress(),
      r(
        EGRESS,
        "out",
        {
          ipProtocol: "tcp",
          fromPort: 8080,
          toPort: 8080,
          cidrIpv4: "10.0.0.0/16",
          description: "to pods",
        },
        ["alb-sg"],
      ),
    ],
    fail: [
      r(EGRESS, "out", {
        ipProtocol: "tcp",
        fromPort: 8080,
        toPort: 8080,
        cidrIpv4: "10.0.0.0/16",
      }),
    ],
    message: "security group rule needs a description",
  },
  "sg-no-all-protocols-ingress": {
    pass: [sg(), ingress({ cidrIpv4: "10.0.0.0/16" })],
    fail: [
      sg(),
      ingress({
        ipProtocol: "-1",
        cidrIpv4: "10.0.0.0/16",
        fromPort: undefined,
        toPort: undefined,
      }),
    ],
    message: "ingress on all protocols and ports; name the protocol and port",
  },
  "sg-explicit-vpc": {
    pass: [sg()],
    fail: [sg("alb-sg", { vpcId: undefined })],
    message: "vpcId must be set; a group in the default VPC is not the blueprint's",
  },
  "mq-not-public": {
    pass: [broker()],
    fail: [broker({ publiclyAccessible: true })],
    message: "publiclyAccessible must be false",
  },
  "mq-cluster-in-prod": {
    stack: "prod",
    pass: [broker()],
    fail: [broker({ deploymentMode: "SINGLE_INSTANCE" })],
    message: "deploymentMode SINGLE_INSTANCE in production; use CLUSTER_MULTI_AZ",
  },
  "mq-general-logs": {
    pass: [broker()],
    fail: [broker({ logs: { general: false } })],
    message: "logs.general must be true",
  },
  "mq-auto-minor-version-upgrade": {
    pass: [broker()],
    fail: [broker({ autoMinorVersionUpgrade: false })],
    message: "autoMinorVersionUpgrade must be true",
  },
  "cache-encrypted-staging-prod": {
    stack: "staging",
    pass: [cache()],
    fail: [cache({ transitEncryptionEnabled: false, atRestEncryptionEnabled: false })],
    message:
      "transitEncryptionEnabled must be true; atRestEncryptionEnabled must be true in staging and production",
  },
  "cache-multi-az-prod": {
    stack: "prod",
    pass: [cache()],
    fail: [cache({ multiAzEnabled: false })],
    message: "automaticFailoverEnabled and multiAzEnabled must be true in production",
  },
  "rds-storage-encrypted": {
    pass: [db()],
    fail: [db({ storageEncrypted: false })],
    message: "storageEncrypted must be true",
  },
  "rds-not-public": {
    pass: [db()],
    fail: [db({ publiclyAccessible: true })],
    message: "publiclyAccessible must be false",
  },
  "rds-deletion-protection-prod": {
    stack: "prod",
    pass: [db()],
    fail: [db({ deletionProtection: false })],
    message: "deletionProtection must be true in production",
  },
  "rds-multi-az-prod": {
    stack: "prod",
    pass: [db()],
    fail: [db({ multiAz: false })],
    message: "multiAz must be true in production",
  },
  "rds-backup-retention": {
    stack: "prod",
    pass: [db()],
    fail: [db({ backupRetentionPeriod: 3 })],
    message: "backupRetentionPeriod 3 is below 7 days",
  },
  "rds-auto-minor-version-upgrade": {
    pass: [db()],
    fail: [db({ autoMinorVersionUpgrade: false })],
    message: "autoMinorVersionUpgrade must not be false",
  },
  "k8s-run-as-non-root": {
    pass: [deployment()],
    fail: [
      deployment({ pod: { securityContext: { seccompProfile: { type: "RuntimeDefault" } } } }),
    ],
    message: "container orders: runAsNonRoot must be true",
  },
  "k8s-run-as-user-not-root": {
    pass: [deployment({ securityContext: { runAsUser: 10001 } })],
    fail: [deployment({ securityContext: { runAsUser: 0 } })],
    message: "container orders: runAsUser must not be 0",
  },
  "k8s-no-privilege-escalation": {
    pass: [deployment()],
    fail: [deployment({ securityContext: { allowPrivilegeEscalation: true } })],
    message: "container orders: allowPrivilegeEscalation must be false",
  },
  "k8s-drop-all-capabilities": {
    pass: [
      deployment({
        securityContext: { capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } },
      }),
    ],
    fail: [
      deployment({ securityContext: { capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] } } }),
    ],
    message: "container orders: capabilities.add NET_ADMIN is not allowed",
  },
  "k8s-seccomp-runtime-default": {
    pass: [deployment()],
    fail: [deployment({ pod: { securityContext: { runAsNonRoot: true } } })],
    message: "container orders: seccompProfile.type must be RuntimeDefault or Localhost",
  },
  "k8s-not-privileged": {
    pass: [deployment()],
    fail: [deployment({ securityContext: { privileged: true } })],
    message: "container orders: privileged must not be true",
  },
  "k8s-read-only-root-filesystem": {
    pass: [deployment()],
    fail: [deployment({ securityContext: { readOnlyRootFilesystem: false } })],
    message: "container orders: readOnlyRootFilesystem must be true",
  },
  "k8s-no-host-namespaces-or-paths": {
    pass: [deployment()],
    fail: [
      deployment({
        pod: { volumes: [{ name: "docker", hostPath: { path: "/var/run/docker.sock" } }] },
      }),
    ],
    message: "volume docker mounts a hostPath",
  },
  "k8s-readiness-probe": {
    pass: [deployment()],
    fail: [deployment({ container: { readinessProbe: undefined } })],
    message: "container orders: readinessProbe is missing",
  },
  "k8s-liveness-probe": {
    pass: [deployment()],
    fail: [deployment({ container: { livenessProbe: undefined } })],
    message: "container orders: livenessProbe is missing",
  },
  "k8s-resource-requests": {
    pass: [deployment()],
    fail: [deployment({ container: { resources: { limits: { memory: "256Mi" } } } })],
    message: "container orders: resources.requests.cpu and resources.requests.memory are required",
  },
  "k8s-memory-limit": {
    pass: [deployment()],
    fail: [deployment({ container: { resources: { requests: { cpu: "1", memory: "1Gi" } } } })],
    message: "container orders: resources.limits.memory is required",
  },
  "k8s-image-no-latest": {
    pass: [
      deployment(),
      deployment({ container: { image: "registry:5000/orders@sha256:abc" } }, "pinned"),
    ],
    fail: [deployment({ container: { image: "registry:5000/orders:latest" } })],
    message:
      "container orders: image registry:5000/orders:latest must have a tag other than latest or a digest",
  },
  "k8s-replicas-prod": {
    stack: "prod",
    pass: [deployment({ replicas: 1 }), hpa(2)],
    fail: [deployment({ replicas: 1 })],
    message: "orders runs 1 replica in production; run at least 2",
  },
  "k8s-pdb-for-replicated-deployments": {
    pass: [deployment(), pdb(), deployment({ replicas: 1 }, "single")],
    fail: [deployment(), pdb({}, "other")],
    message: "orders has 2 replicas and no PodDisruptionBudget",
  },
  "k8s-pdb-allows-disruption": {
    pass: [pdb({ minAvailable: 1 })],
    fail: [pdb({ maxUnavailable: 0 })],
    message: "maxUnavailable 0 blocks every drain",
  },
  "k8s-networkpolicy-per-deployment": {
    pass: [deployment(), netpol()],
    fail: [deployment(), netpol("other")],
    message: "orders is selected by no NetworkPolicy",
  },
  "k8s-no-default-namespace": {
    // A StorageClass is cluster-scoped: it has no namespace.
    pass: [
      deployment(),
      r("kubernetes:storage.k8s.io/v1:StorageClass", "sc", { metadata: { name: "gp3" } }),
    ],
    fail: [deployment({ namespace: "default" })],
    message: "metadata.namespace is default; use the app namespace",
  },
  "k8s-namespace-enforces-restricted": {
    pass: [
      r("kubernetes:core/v1:Namespace", "ns", {
        metadata: {
          name: "causeway",
          labels: { "pod-security.kubernetes.io/enforce": "restricted" },
        },
      }),
    ],
    fail: [
      r("kubernetes:core/v1:Namespace", "ns", {
        metadata: {
          name: "causeway",
          labels: { "pod-security.kubernetes.io/enforce": "baseline" },
        },
      }),
    ],
    message: "pod-security.kubernetes.io/enforce is baseline; set restricted",
  },
  "k8s-no-nodeport-services": {
    pass: [
      r("kubernetes:core/v1:Service", "svc", {
        metadata: { name: "orders", namespace: "causeway" },
        spec: { type: "ClusterIP" },
      }),
    ],
    fail: [
      r("kubernetes:core/v1:Service", "svc", {
        metadata: { name: "orders", namespace: "causeway" },
        spec: { type: "NodePort" },
      }),
    ],
    message: "spec.type NodePort is not allowed; use ClusterIP",
  },
  "consul-tls": {
    pass: [consul()],
    fail: [consulWith({ global: { tls: { enableAutoEncrypt: false } } })],
    message: "global.tls.enabled and global.tls.enableAutoEncrypt must be true",
  },
  "consul-tls-verify": {
    pass: [consul()],
    fail: [consulWith({ global: { tls: { verify: false } } })],
    message: "global.tls.verify must not be false",
  },
  "consul-acls": {
    pass: [consul()],
    fail: [consulWith({ global: { acls: { manageSystemACLs: false } } })],
    message: "global.acls.manageSystemACLs must be true",
  },
  "consul-gossip-encryption": {
    pass: [
      consul(),
      consulWith({ global: { gossipEncryption: { secretName: undefined, autoGenerate: true } } }),
    ],
    fail: [consulWith({ global: { gossipEncryption: { secretName: undefined } } })],
    message: "global.gossipEncryption needs autoGenerate: true or secretName and secretKey",
  },
  "consul-odd-servers": {
    pass: [consul()],
    fail: [consulWith({ server: { replicas: 4 } })],
    message: "server.replicas 4 is even; run 1, 3, 5 or 7 servers",
  },
  "consul-ha-servers-prod": {
    stack: "prod",
    pass: [consul()],
    fail: [consulWith({ server: { replicas: 1 } })],
    message: "server.replicas 1 in production; run at least 3",
  },
  ...clusterCases,
  ...observabilityCases,
};

describe("policy pack", () => {
  it("has at least 30 mandatory rules, each with a test case below", () => {
    const names = causewayPack.policies.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(30);
    expect(Object.keys(cases).sort()).toEqual([...names].sort());
    expect(causewayPack.enforcementLevel).toBe("mandatory");
    expect(causewayPack.policies.filter((p) => p.enforcementLevel !== undefined)).toEqual([]);
  });

  describe.each(Object.entries(cases))("%s", (name, c) => {
    it("passes compliant resources", async () => {
      expect(await violationsOf(name, c.pass, c.stack)).toEqual([]);
    });
    it("reports a violation", async () => {
      const found = await violationsOf(name, c.fail, c.stack);
      expect(found).toHaveLength(1);
      expect(found[0]!.startsWith(c.message)).toBe(true);
    });
  });

  it("holds staging and prod caches to encryption, and not dev's", async () => {
    const fail = cases["cache-encrypted-staging-prod"]!.fail;
    expect(await violationsOf("cache-encrypted-staging-prod", fail, "dev")).toEqual([]);
    expect(await violationsOf("cache-encrypted-staging-prod", fail, "prod")).toHaveLength(1);
  });

  it("applies production rules only to production stacks (configurable)", async () => {
    const fail = cases["rds-deletion-protection-prod"]!.fail;
    expect(await violationsOf("rds-deletion-protection-prod", fail, "staging")).toEqual([]);
    expect(await violationsOf("rds-deletion-protection-prod", fail, "prod")).toHaveLength(1);
  });

  it("keys production rules on causeway:environment, never on the stack's name", async () => {
    const name = "rds-deletion-protection-prod";
    const policy = causewayPack.policies.filter((p) => p.name === name);
    const db = (tags?: Record<string, string>): TestResource => ({
      type: DB,
      name: "db",
      props: { deletionProtection: false, ...(tags && { tags }) },
    });
    const judge = async (stack: string, resource: TestResource, environment?: string) =>
      (
        await evaluatePack(
          testPlan([resource], stack),
          { ...causewayPack, policies: policy },
          tierPolicyConfig(policy, environment),
        )
      ).violations.map((v) => v.message);
    const refused = ["deletionProtection must be true in production"];
    // A stack named prod whose environment is dev is judged as dev, and the other way round.
    expect(await judge("prod", db(), "dev")).toEqual([]);
    expect(await judge("eu-live", db(), "prod")).toEqual(refused);
    // The resource's own causeway:environment tag wins over the pack's config.
    expect(await judge("eu-live", db({ "causeway:environment": "dev" }), "prod")).toEqual([]);
    expect(await judge("dev", db({ "causeway:environment": "prod" }), "dev")).toEqual(refused);
    // With no environment at all, production rules apply (secure default).
    expect(await judge("dev", db())).toEqual(refused);
  });

  it("never reports what is only known after apply, and counts it as left to the real preview", async () => {
    const unknownPolicy = https({
      sslPolicy: "(known after apply: urn:pulumi:dev::causeway::x::y)",
    });
    const e = await evaluateOne("alb-tls-policy-allowlist", [unknownPolicy]);
    expect(e.violations).toEqual([]);
    expect(e.unknown).toEqual([
      {
        policy: "alb-tls-policy-allowlist",
        urn: expect.stringContaining("::https"),
        path: ".sslPolicy",
      },
    ]);
    // A stack rule skips the unknown resource and still judges the others.
    const unknownCidr = ingress({ cidrIpv4: "(known after apply)" }, "db-sg", "unknown-in");
    const s = await evaluateOne("sg-world-ingress-alb-only", [
      sg(),
      lb(),
      sg("db-sg"),
      unknownCidr,
      ingress({}, "db-sg", "bad"),
    ]);
    expect(s.violations.map((v) => v.message)).toEqual([
      "bad admits the internet, but its security group db-sg is not a load balancer's",
    ]);
  });
});
