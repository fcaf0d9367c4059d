import { describe, expect, it } from "vitest";
import { argProblems, imageRefProblem, targetSourceProblems, type CheckedArgs } from "./args";

describe("image references", () => {
  it.each<[string, string | undefined]>([
    [`r.example/orders@sha256:${"a".repeat(64)}`, undefined],
    ["r.example/orders:1.4.2", undefined],
    ["localhost:5000/orders:src-0123456789ab", undefined],
    [
      "r.example/orders",
      'has no tag or digest, so it means "latest" ("r.example/orders"); pin it by digest (repo@sha256:...) or an immutable tag',
    ],
    [
      "localhost:5000/orders",
      'has no tag or digest, so it means "latest" ("localhost:5000/orders"); pin it by digest (repo@sha256:...) or an immutable tag',
    ],
    [
      "r.example/orders:latest",
      'uses the mutable tag "latest" ("r.example/orders:latest"); pin it by digest (repo@sha256:...) or an immutable tag',
    ],
    [
      "r.example/orders@sha256:abc",
      'has a digest that is not sha256:<64 hex digits> ("r.example/orders@sha256:abc")',
    ],
  ])("%s", (ref, problem) => expect(imageRefProblem(ref)).toBe(problem));
});

const ok: CheckedArgs = {
  service: "orders",
  port: 8080,
  replicas: 2,
  resources: { cpu: "250m", memory: "256Mi", memoryLimit: "512Mi" },
  envNames: ["SERVICE_NAME", "PORT"],
  secretEnvKeys: [],
  callers: [],
  upstreams: [],
  cidrs: [],
  ports: [],
  image: "r/orders:1",
};

describe("NodeService argument checks", () => {
  it("accepts sound arguments", () => expect(argProblems(ok)).toEqual([]));

  it("reports every problem at once, naming the argument", () => {
    expect(
      argProblems({
        ...ok,
        service: "Orders",
        port: 0,
        replicas: 3,
        autoscaling: { maxReplicas: 2, targetCpuUtilization: 0 },
        resources: { cpu: "1", memory: "1Gi", memoryLimit: "512Mi" },
        envNames: ["PORT", "DATABASE_URL", "PORT", "1BAD"],
        secretEnvKeys: [{ name: "DATABASE_URL", key: "" }],
        callers: ["Gateway"],
        upstreams: [{ name: "Payments", port: 8080 }],
        cidrs: [{ arg: "ingressCidrs[0]", cidr: "10.0.0.0/33" }],
        ports: [{ arg: "egressCidrs.database.ports[0]", port: 70000 }],
        meshInboundPort: 70001,
        image: "r/orders:latest",
      }),
    ).toEqual([
      `serviceName: must be a DNS-1035 label (a Kubernetes Service name): 1-63 lowercase letters, digits or '-', starting with a letter and ending with a letter or digit (found "Orders")`,
      "port: must be a port number from 1 to 65535 (found 0)",
      "autoscaling.maxReplicas: must be a whole number of at least replicas (3) (found 2)",
      "autoscaling.targetCpuUtilization: must be a percentage from 1 to 100 (found 0)",
      'resources.memoryLimit: must be at least resources.memory (1Gi) (found "512Mi")',
      'env: "PORT" is set twice (env, secretEnv and the derived SERVICE_NAME, HOST, PORT, SHUTDOWN_TIMEOUT_MS and <UPSTREAM>_URL must not overlap)',
      'env: "1BAD" is not an environment variable name',
      "secretEnv.DATABASE_URL.key: must name a key of the Secret",
      `callers[0]: must be a DNS-1035 label (a Kubernetes Service name): 1-63 lowercase letters, digits or '-', starting with a letter and ending with a letter or digit (found "Gateway")`,
      `upstreams[0].name: must be a DNS-1035 label (a Kubernetes Service name): 1-63 lowercase letters, digits or '-', starting with a letter and ending with a letter or digit (found "Payments")`,
      'ingressCidrs[0]: must be an IPv4 CIDR block (found "10.0.0.0/33")',
      "egressCidrs.database.ports[0]: must be a port number from 1 to 65535 (found 70000)",
      "meshInboundPort: must be a port number from 1 to 65535 (found 70001)",
      'image: uses the mutable tag "latest" ("r/orders:latest"); pin it by digest (repo@sha256:...) or an immutable tag',
    ]);
  });

  it("refuses a service name that starts with a digit: Kubernetes Service names are DNS-1035 labels", () => {
    expect(argProblems({ ...ok, service: "1orders", callers: ["2fa"] })).toEqual([
      `serviceName: must be a DNS-1035 label (a Kubernetes Service name): 1-63 lowercase letters, digits or '-', starting with a letter and ending with a letter or digit (found "1orders")`,
      `callers[0]: must be a DNS-1035 label (a Kubernetes Service name): 1-63 lowercase letters, digits or '-', starting with a letter and ending with a letter or digit (found "2fa")`,
    ]);
  });

  it("refuses a mesh inbound port equal to the service port, and a self-call", () => {
    expect(
      argProblems({ ...ok, meshInboundPort: 8080, upstreams: [{ name: "orders", port: 8080 }] }),
    ).toEqual([
      "upstreams[0].name: a service cannot call itself",
      "meshInboundPort: must differ from port (8080), the http port",
    ]);
  });
});

describe("load balancer target sources (checked when they resolve)", () => {
  it("accepts CIDR blocks and names each one that is not", () => {
    expect(targetSourceProblems(["10.0.0.0/24", "10.0.1.0/24"])).toEqual([]);
    expect(targetSourceProblems(["10.0.0.0/24", "subnet-0abc", "10.0.0.0/33"])).toEqual([
      'expose.loadBalancer.targetSources[1]: must be an IPv4 CIDR block (found "subnet-0abc")',
      'expose.loadBalancer.targetSources[2]: must be an IPv4 CIDR block (found "10.0.0.0/33")',
    ]);
  });
});
