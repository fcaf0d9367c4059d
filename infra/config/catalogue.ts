/**
 * Catalogue tables the config rules read, each with its source and the date it was checked.
 * A value outside a table is refused at plan time with the table's entries, never with advice
 * to edit project code.
 */

/**
 * AWS Regions by partition, and whether Elastic Load Balancing writes access logs there as a
 * Region-specific ELB account (Regions available before August 2022) or as the service principal
 * `logdelivery.elasticloadbalancing.amazonaws.com` (Regions opened since).
 * Sources (checked 2026-12-02):
 * https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html (Region codes);
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
 * ("Regions available before August 2022": the ELB account table; newer Regions: the service
 * principal).
 */
export const AWS_REGIONS: Readonly<
  Record<
    string,
    { readonly partition: "aws" | "aws-cn" | "aws-us-gov"; readonly elbAccount: boolean }
  >
> = {
  "us-east-1": { partition: "aws", elbAccount: true },
  "us-east-2": { partition: "aws", elbAccount: true },
  "us-west-1": { partition: "aws", elbAccount: true },
  "us-west-2": { partition: "aws", elbAccount: true },
  "af-south-1": { partition: "aws", elbAccount: true },
  "ap-east-1": { partition: "aws", elbAccount: true },
  "ap-east-2": { partition: "aws", elbAccount: false },
  "ap-south-1": { partition: "aws", elbAccount: true },
  "ap-south-2": { partition: "aws", elbAccount: false },
  "ap-northeast-1": { partition: "aws", elbAccount: true },
  "ap-northeast-2": { partition: "aws", elbAccount: true },
  "ap-northeast-3": { partition: "aws", elbAccount: true },
  "ap-southeast-1": { partition: "aws", elbAccount: true },
  "ap-southeast-2": { partition: "aws", elbAccount: true },
  "ap-southeast-3": { partition: "aws", elbAccount: true },
  "ap-southeast-4": { partition: "aws", elbAccount: false },
  "ap-southeast-5": { partition: "aws", elbAccount: false },
  "ap-southeast-7": { partition: "aws", elbAccount: false },
  "ca-central-1": { partition: "aws", elbAccount: true },
  "ca-west-1": { partition: "aws", elbAccount: false },
  "eu-central-1": { partition: "aws", elbAccount: true },
  "eu-central-2": { partition: "aws", elbAccount: false },
  "eu-north-1": { partition: "aws", elbAccount: true },
  "eu-south-1": { partition: "aws", elbAccount: true },
  "eu-south-2": { partition: "aws", elbAccount: false },
  "eu-west-1": { partition: "aws", elbAccount: true },
  "eu-west-2": { partition: "aws", elbAccount: true },
  "eu-west-3": { partition: "aws", elbAccount: true },
  "il-central-1": { partition: "aws", elbAccount: false },
  "me-central-1": { partition: "aws", elbAccount: false },
  "me-south-1": { partition: "aws", elbAccount: true },
  "mx-central-1": { partition: "aws", elbAccount: false },
  "sa-east-1": { partition: "aws", elbAccount: true },
  "cn-north-1": { partition: "aws-cn", elbAccount: true },
  "cn-northwest-1": { partition: "aws-cn", elbAccount: true },
  "us-gov-east-1": { partition: "aws-us-gov", elbAccount: true },
  "us-gov-west-1": { partition: "aws-us-gov", elbAccount: true },
};

export const awsRegions = Object.keys(AWS_REGIONS);

/**
 * Whether the ALB access-log bucket grants the Region's ELB account (older Regions) besides the
 * log-delivery service principal (every Region).
 */
export function accessLogsGrantElbAccount(region: string): boolean {
  return AWS_REGIONS[region]?.elbAccount ?? false;
}

/**
 * hashicorp/consul chart versions and the Consul image each ships (Chart.yaml appVersion).
 * Source: github:hashicorp/consul-k8s tag v1.9.11, charts/consul/Chart.yaml (version 1.9.11,
 * appVersion 1.22.7); checked 2026-12-02.
 */
export const CONSUL_CHART_APP_VERSIONS: Readonly<Record<string, string>> = {
  "1.9.11": "1.22.7",
};

/**
 * aws-load-balancer-controller chart versions and the controller each ships; the bundled IAM
 * policy is for these. Source: github:aws/eks-charts stable/aws-load-balancer-controller/Chart.yaml
 * (version 3.5.0, appVersion v3.5.0); checked 2026-12-02.
 */
export const CONTROLLER_CHART_APP_VERSIONS: Readonly<Record<string, string>> = {
  "3.5.0": "v3.5.0",
};

/**
 * Ports the Consul sidecar (consul-dataplane, injected by consul-k8s) binds in every meshed pod,
 * so a service container in the same pod cannot listen on them. Sources, hashicorp/consul-k8s
 * v1.9.11 (checked 2026-12-02):
 * - control-plane/connect-inject/constants/constants.go: ProxyDefaultInboundPort 20000,
 *   ProxyDefaultHealthPort 21000 (-envoy-ready-bind-port), DefaultGracefulPort 20600;
 * - control-plane/connect-inject/webhook/consul_dataplane_sidecar.go: -envoy-admin-bind-port=19000;
 * - charts/consul/values.yaml: connectInject.metrics.defaultMergedMetricsPort 20100,
 *   defaultPrometheusScrapePort 20200, connectInject.sidecarProxy.lifecycle.defaultGracefulPort 20600;
 * - control-plane/connect-inject/controllers/endpoints/endpoints_controller.go:
 *   exposedPathsLivenessPortsRangeStart 20300 (readiness 20400, startup 20500): the exposed-path
 *   listeners of rewritten probes, container i on start + i (webhook/redirect_traffic.go
 *   excludes them from redirection); the app container is the first, so start + 0 is refused;
 * - Consul's transparent-proxy outbound listener 15001 (github:hashicorp/consul
 *   sdk/iptables DefaultTProxyOutboundPort), where consul-k8s redirects the pod's egress.
 */
export const SIDECAR_PORTS: readonly { readonly port: number; readonly use: string }[] = [
  { port: 15001, use: "the transparent-proxy outbound listener" },
  { port: 19000, use: "the Envoy admin interface" },
  { port: 20000, use: "the Envoy inbound listener" },
  { port: 20100, use: "the merged-metrics endpoint" },
  { port: 20200, use: "the Prometheus scrape endpoint" },
  { port: 20300, use: "the rewritten liveness probe listener" },
  { port: 20400, use: "the rewritten readiness probe listener" },
  { port: 20500, use: "the rewritten startup probe listener" },
  { port: 20600, use: "the graceful-shutdown endpoint" },
  { port: 21000, use: "the Envoy readiness endpoint" },
];

/**
 * IANA time zone names, from the runtime's ICU data (Node 24: `Intl.supportedValuesOf`), plus
 * any alias the runtime resolves (e.g. `UTC`). Amazon MQ takes a Country/City zone or a UTC
 * offset (https://docs.aws.amazon.com/amazon-mq/latest/api-reference/brokers.html, WeeklyStartTime).
 */
export const TIME_ZONES: readonly string[] = Intl.supportedValuesOf("timeZone");

/**
 * Names known without asking ICU: the canonical names, and `UTC`, which ECMA-402 requires every
 * implementation to accept (ECMA-402 11th ed., AvailableNamedTimeZoneIdentifiers: "UTC" is
 * always available).
 */
const KNOWN_TIME_ZONES = new Set([...TIME_ZONES, "UTC"]);
const timeZoneAnswers = new Map<string, boolean>();

/**
 * True when `zone` is an IANA time zone name the runtime knows. Other names (aliases such as
 * US/Pacific, other spellings) are tried by building an Intl.DateTimeFormat, once per name: the
 * first one built in a process loads ICU's formatting data (about 50 ms on the bench machine,
 * bench (d)), and the config is checked more than once per plan.
 */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z]/.test(zone)) return false;
  if (KNOWN_TIME_ZONES.has(zone)) return true;
  let known = timeZoneAnswers.get(zone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat("en", { timeZone: zone });
      known = true;
    } catch {
      known = false;
    }
    timeZoneAnswers.set(zone, known);
  }
  return known;
}

/**
 * Environment variable names that hold credentials: plaintext `env` is in git and in the plan,
 * so these must come through `secretEnv`.
 */
export const CREDENTIAL_ENV =
  /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?)(_|$)/;
