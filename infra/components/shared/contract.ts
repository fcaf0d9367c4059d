/**
 * The contract between the infrastructure and the services, in one place, so that the probes,
 * the load balancer health checks, the NetworkPolicies and the container image cannot drift
 * apart. The service kit (services/kit) implements the service side; tests check both sides.
 */

/** Health endpoints every service serves (services/kit). */
export const HealthPaths = {
  /** Process is alive; failing it restarts the container. */
  liveness: "/livez",
  /** Dependencies connected and not shutting down; failing it removes the pod from traffic. */
  readiness: "/readyz",
  /** Prometheus metrics. */
  metrics: "/metrics",
} as const;

/** Default container port of a service (overridable per service in the graph). */
export const DEFAULT_SERVICE_PORT = 8080;

/** Non-root UID and GID the service image runs as (services/Dockerfile) and the pod enforces. */
export const SERVICE_UID = 10001;
export const SERVICE_GID = 10001;

/**
 * Graceful shutdown behind the ALB. On pod deletion Kubernetes runs the preStop sleep while the
 * endpoint is removed and the ALB deregisters the target; then SIGTERM starts the kit's drain
 * (turn not-ready, wait, stop accepting, finish in-flight work).
 */
export const Shutdown = {
  /** preStop sleep: time for the ALB and kube-proxy to stop sending new requests. */
  preStopSeconds: 15,
  /** The kit's drain after SIGTERM: in-flight requests and messages finish within this. */
  drainSeconds: 20,
  /** Margin for closing connections and exiting. */
  marginSeconds: 10,
} as const;

/** terminationGracePeriodSeconds: longer than the preStop sleep plus the drain. */
export const TERMINATION_GRACE_SECONDS =
  Shutdown.preStopSeconds + Shutdown.drainSeconds + Shutdown.marginSeconds;

/** ALB target group deregistration delay: the preStop sleep plus the drain. */
export const DEREGISTRATION_DELAY_SECONDS = Shutdown.preStopSeconds + Shutdown.drainSeconds;

/**
 * Idle timeouts: the ALB must close idle connections before the service does, or it may send a
 * request on a connection the service is closing (a 502). The kit's keep-alive is 65 s.
 */
export const ALB_IDLE_TIMEOUT_SECONDS = 60;
export const SERVICE_KEEP_ALIVE_TIMEOUT_SECONDS = 65;

/** Ports of the data plane and mesh, for security groups and NetworkPolicies. */
export const Ports = {
  /** Amazon MQ for RabbitMQ, AMQP 0-9-1 over TLS. */
  amqps: 5671,
  /** Amazon MQ for RabbitMQ management console (HTTPS). */
  rabbitmqConsole: 443,
  /** PostgreSQL. */
  postgres: 5432,
  /** DNS (kube-dns / CoreDNS), UDP and TCP. */
  dns: 53,
  /** Consul server RPC, Serf LAN, HTTPS API and gRPC (TLS) ports, and the Envoy inbound listener. */
  consulServerRpc: 8300,
  consulSerfLan: 8301,
  consulHttps: 8501,
  // The consul-k8s chart serves gRPC over TLS on 8502 when TLS is on (not Consul's stock 8503):
  // charts/consul/templates/server-config-configmap.yaml ("grpc_tls": 8502) and _helpers.tpl
  // (CONSUL_GRPC_PORT "8502"), hashicorp/consul-k8s v1.9.11. Sidecars dial it.
  consulGrpcTls: 8502,
  envoyInbound: 20000,
  // Envoy's Prometheus listener, where consul-dataplane serves Envoy's and the service's metrics
  // merged: `connectInject.metrics.defaultPrometheusScrapePort: 20200` in charts/consul/values.yaml,
  // hashicorp/consul-k8s v1.9.11. The injector leaves it out of the transparent proxy's inbound
  // redirection (control-plane/connect-inject/webhook/redirect_traffic.go), so a scraper reaches
  // it without a mesh certificate.
  envoyMetrics: 20200,
} as const;
