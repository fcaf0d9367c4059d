import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import {
  HealthPaths,
  SERVICE_GID,
  SERVICE_UID,
  Shutdown,
  TERMINATION_GRACE_SECONDS,
} from "../shared/contract";
import { NAME_LABEL } from "./naming";

/**
 * The pod of a NodeService: Pod Security Standards "restricted", probes on the kit's health
 * endpoints, graceful shutdown behind the ALB, spread across zones and hosts. Pure; no Pulumi
 * resources (values may be Pulumi inputs, which are only placed, never read).
 */

/** The container's port name; the Service and the probes refer to it. */
export const HTTP_PORT_NAME = "http";

/** Where the writable emptyDir is mounted (the root filesystem is read-only). */
export const TMP_MOUNT_PATH = "/tmp";
/** Size cap of /tmp, so a runaway writer is evicted instead of filling the node's disk. */
export const TMP_SIZE_LIMIT = "64Mi";

export interface PodInput {
  readonly service: string;
  readonly image: pulumi.Input<string>;
  readonly port: number;
  readonly resources: {
    readonly cpu: string;
    readonly memory: string;
    readonly memoryLimit: string;
  };
  /** Plain env in the order given (see `envVars`). */
  readonly env: readonly (readonly [string, pulumi.Input<string>])[];
  readonly secretEnv: Readonly<
    Record<string, { readonly secretName: pulumi.Input<string>; readonly key: string }>
  >;
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly automountServiceAccountToken: boolean;
  /** How long start-up may take before the container is restarted. */
  readonly startupSeconds: number;
}

export const Probes = {
  startupPeriodSeconds: 2,
  livenessPeriodSeconds: 10,
  readinessPeriodSeconds: 5,
  timeoutSeconds: 2,
} as const;

/** The service's container. */
export function container(input: PodInput): k8s.types.input.core.v1.Container {
  const httpGet = (path: string) => ({ path, port: HTTP_PORT_NAME, scheme: "HTTP" });
  return {
    name: input.service,
    image: input.image,
    imagePullPolicy: "IfNotPresent",
    ports: [{ name: HTTP_PORT_NAME, containerPort: input.port, protocol: "TCP" }],
    env: [
      ...input.env.map(([name, value]) => ({ name, value })),
      ...Object.keys(input.secretEnv)
        .sort()
        .map((name) => {
          const ref = input.secretEnv[name]!;
          return {
            name,
            valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key, optional: false } },
          };
        }),
    ],
    resources: {
      requests: { cpu: input.resources.cpu, memory: input.resources.memory },
      // A memory limit bounds a leak to this container; no CPU limit, so a busy service uses idle
      // CPU instead of being throttled (the request still guarantees its share).
      limits: { memory: input.resources.memoryLimit },
    },
    startupProbe: {
      httpGet: httpGet(HealthPaths.liveness),
      periodSeconds: Probes.startupPeriodSeconds,
      timeoutSeconds: Probes.timeoutSeconds,
      failureThreshold: Math.max(1, Math.ceil(input.startupSeconds / Probes.startupPeriodSeconds)),
    },
    livenessProbe: {
      httpGet: httpGet(HealthPaths.liveness),
      periodSeconds: Probes.livenessPeriodSeconds,
      timeoutSeconds: Probes.timeoutSeconds,
      failureThreshold: 3,
    },
    readinessProbe: {
      httpGet: httpGet(HealthPaths.readiness),
      periodSeconds: Probes.readinessPeriodSeconds,
      timeoutSeconds: Probes.timeoutSeconds,
      failureThreshold: 2,
      successThreshold: 1,
    },
    lifecycle: {
      // The kubelet's own sleep (Kubernetes 1.30+, beta and on by default; the image needs no
      // shell): the endpoint is removed and the ALB deregisters the target before SIGTERM.
      preStop: { sleep: { seconds: Shutdown.preStopSeconds } },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: input.runAsUser,
      runAsGroup: input.runAsGroup,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    },
    volumeMounts: [{ name: "tmp", mountPath: TMP_MOUNT_PATH }],
  };
}

/** Spread across zones, then hosts; counted per ReplicaSet so a rollout spreads too. */
export function topologySpread(
  service: string,
): k8s.types.input.core.v1.TopologySpreadConstraint[] {
  const constraint = (topologyKey: string) => ({
    maxSkew: 1,
    topologyKey,
    // Prefer spreading, but never leave a pod pending when a zone or node is short of capacity
    // or gone: availability first, and the PDB and replica count carry the guarantee.
    whenUnsatisfiable: "ScheduleAnyway",
    labelSelector: { matchLabels: { [NAME_LABEL]: service } },
    matchLabelKeys: ["pod-template-hash"],
  });
  return [constraint("topology.kubernetes.io/zone"), constraint("kubernetes.io/hostname")];
}

/** The pod spec. */
export function podSpec(input: PodInput): k8s.types.input.core.v1.PodSpec {
  return {
    serviceAccountName: input.service,
    automountServiceAccountToken: input.automountServiceAccountToken,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: input.runAsUser,
      runAsGroup: input.runAsGroup,
      fsGroup: input.runAsGroup,
      seccompProfile: { type: "RuntimeDefault" },
    },
    topologySpreadConstraints: topologySpread(input.service),
    containers: [container(input)],
    volumes: [{ name: "tmp", emptyDir: { sizeLimit: TMP_SIZE_LIMIT } }],
  };
}

/** Defaults of the pod's identity and start-up. */
export const PodDefaults = {
  runAsUser: SERVICE_UID,
  runAsGroup: SERVICE_GID,
  startupSeconds: 60,
} as const;
