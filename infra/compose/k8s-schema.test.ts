import { describe, expect, it } from "vitest";
import { FIXTURE_STACKS, fixturePlans, planFixture, WITH_FOURTH_SERVICE } from "../test/fixtures";
import { schemaErrors, withoutPlaceholders } from "./k8s-schema";

/**
 * Type-token prefixes of planned objects that the schema package does not model, with the
 * reason. Any other type without a model fails the test until it is validated or listed here.
 */
const NOT_MODELLED: Readonly<Record<string, string>> = {
  "kubernetes:helm.sh/v3:Release":
    "a Helm release, not an object: the chart renders and validates its own objects",
  "kubernetes:elbv2.k8s.aws/":
    "CRDs of the AWS Load Balancer Controller: kubernetes-models has no model; the API server checks them against the CRD's structural schema",
  "kubernetes:consul.hashicorp.com/":
    "CRDs of consul-k8s: kubernetes-models has no model; the API server checks them against the CRD's structural schema",
};
const notModelled = (type: string) => Object.keys(NOT_MODELLED).some((p) => type.startsWith(p));

const fixturePlan = fixturePlans();
/** The fixture stacks, and the prod fixture with a fourth service. */
const STACKS = [...FIXTURE_STACKS, "prod with a fourth service"] as const;
const plan = (stack: (typeof STACKS)[number]) =>
  stack === "prod with a fourth service"
    ? planFixture("prod", WITH_FOURTH_SERVICE)
    : fixturePlan(stack);

const kubernetesObjects = (p: Awaited<ReturnType<typeof plan>>) =>
  p.resources.filter((r) => r.type.startsWith("kubernetes:") && r.custom && !r.read);

describe("every Kubernetes object of every fixture plan is valid against the OpenAPI schema", () => {
  it.each(STACKS)("%s", async (stack) => {
    const p = await plan(stack);
    const objects = kubernetesObjects(p);
    expect(objects.length).toBeGreaterThan(0);
    const problems = objects.flatMap((r) => {
      const errors = schemaErrors(r.type, r.inputs);
      if (errors === undefined) {
        return notModelled(r.type) ? [] : [`${r.type} ${r.name}: no schema model; add one`];
      }
      return errors.map((e) => `${r.type} ${r.name}: ${e}`);
    });
    expect(problems).toEqual([]);
  });

  it("the validator does fail on an invalid object (it is not vacuous)", () => {
    expect(
      schemaErrors("kubernetes:apps/v1:Deployment", {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "x" },
        spec: {
          replicas: "two",
          selector: { matchLabels: { a: "b" } },
          template: { spec: { containers: [{ image: "i" }] } },
        },
      }),
    ).toEqual([
      "data/spec/replicas must be integer, data/spec/template/spec/containers/0 must have required property name",
    ]);
    expect(
      schemaErrors("kubernetes:networking.k8s.io/v1:NetworkPolicy", {
        metadata: { name: "x" },
        spec: { podSelector: {}, ingress: [{ ports: [{ protocol: "ICMP", port: 1 }] }] },
      }),
    ).toEqual(["data/spec/ingress/0/ports/0/protocol must be equal to one of the allowed values"]);
  });

  it("leaves out values the plan cannot know, and says where they were", () => {
    expect(
      withoutPlaceholders({ a: "[secret]", b: ["(known after apply: urn)", "x"], c: { d: 1 } }),
    ).toEqual({ value: { b: ["x"], c: { d: 1 } }, unknown: ["/a", "/b/0"] });
  });
});

/** Baseline + restricted Pod Security Standards checks, plus this project's own pod rules. */
function podProblems(spec: Record<string, unknown>): string[] {
  const out: string[] = [];
  const pod = spec as {
    hostNetwork?: boolean;
    hostPID?: boolean;
    hostIPC?: boolean;
    securityContext?: {
      runAsNonRoot?: boolean;
      runAsUser?: number;
      seccompProfile?: { type?: string };
    };
    volumes?: Record<string, unknown>[];
    initContainers?: Record<string, unknown>[];
    containers: Record<string, unknown>[];
  };
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) out.push("host namespaces");
  const allowedVolumes = new Set([
    "name",
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
  ]);
  for (const v of pod.volumes ?? []) {
    const bad = Object.keys(v).filter((k) => !allowedVolumes.has(k));
    if (bad.length) out.push(`volume ${String(v["name"])}: ${bad.join(",")} not allowed`);
  }
  for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
    const name = String(c["name"]);
    const sc = (c["securityContext"] ?? {}) as {
      privileged?: boolean;
      allowPrivilegeEscalation?: boolean;
      runAsNonRoot?: boolean;
      runAsUser?: number;
      readOnlyRootFilesystem?: boolean;
      capabilities?: { drop?: string[]; add?: string[] };
      seccompProfile?: { type?: string };
    };
    if (sc.privileged) out.push(`${name}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${name}: allowPrivilegeEscalation`);
    if (!(sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot)) out.push(`${name}: runAsNonRoot`);
    const uid = sc.runAsUser ?? pod.securityContext?.runAsUser;
    if (uid === undefined || uid < 10000) out.push(`${name}: UID ${uid} below 10000`);
    if (!sc.capabilities?.drop?.includes("ALL")) out.push(`${name}: capabilities not dropped`);
    if ((sc.capabilities?.add ?? []).some((a) => a !== "NET_BIND_SERVICE")) {
      out.push(`${name}: capabilities added`);
    }
    const seccomp = sc.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") out.push(`${name}: seccomp`);
    if (sc.readOnlyRootFilesystem !== true) out.push(`${name}: writable root filesystem`);
    const ports = (c["ports"] ?? []) as { hostPort?: number }[];
    if (ports.some((p) => p.hostPort)) out.push(`${name}: hostPort`);
    const resources = (c["resources"] ?? {}) as {
      requests?: Record<string, string>;
      limits?: Record<string, string>;
    };
    if (!resources.requests?.["cpu"] || !resources.requests?.["memory"]) {
      out.push(`${name}: requests`);
    }
    if (!resources.limits?.["memory"]) out.push(`${name}: memory limit`);
    if (!c["readinessProbe"] || !c["livenessProbe"]) out.push(`${name}: probes`);
    const image = String(c["image"]);
    const pinned =
      image.startsWith("(known after apply") || // a pushed image's repoDigest
      /@sha256:[0-9a-f]{64}$/.test(image) ||
      /:[A-Za-z0-9_.-]+$/.test(image.slice(image.lastIndexOf("/") + 1));
    if (!pinned || image.endsWith(":latest")) out.push(`${name}: image not pinned (${image})`);
  }
  return out;
}

describe("every pod template passes the restricted profile and the project's pod rules", () => {
  it.each(STACKS)("%s", async (stack) => {
    const p = await plan(stack);
    const workloads = p.resources.filter((r) =>
      ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"].includes(r.type),
    );
    expect(workloads.length).toBeGreaterThanOrEqual(3);
    const problems = workloads.flatMap((r) => {
      const spec = (r.inputs["spec"] as { template: { spec: Record<string, unknown> } }).template
        .spec;
      return podProblems(spec).map((m) => `${r.type} ${r.name}: ${m}`);
    });
    expect(problems).toEqual([]);
  });

  it("the check catches a pod that breaks the rules", () => {
    expect(
      podProblems({
        hostNetwork: true,
        volumes: [{ name: "h", hostPath: { path: "/" } }],
        containers: [{ name: "c", image: "nginx", securityContext: { privileged: true } }],
      }),
    ).toEqual([
      "host namespaces",
      "volume h: hostPath not allowed",
      "c: privileged",
      "c: allowPrivilegeEscalation",
      "c: runAsNonRoot",
      "c: UID undefined below 10000",
      "c: capabilities not dropped",
      "c: seccomp",
      "c: writable root filesystem",
      "c: requests",
      "c: memory limit",
      "c: probes",
      "c: image not pinned (nginx)",
    ]);
  });
});
