import { describe, expect, it } from "vitest";
import { ComponentArgsError } from "@causeway/components";
import type { ConfigOverlay } from "../plan/harness";
import { rawFixtureConfig, planFixture, type FixtureStack } from "../test/fixtures";
import { awsRegions } from "./catalogue";
import { asConfigError } from "./component-errors";
import { ConfigError, found } from "./errors";
import { parsePlatformConfig, type RawConfig } from "./load";

/**
 * The mistakes corpus: realistic stack mistakes, as new users make them, one row each. Every
 * one is refused by parsePlatformConfig, the program's first step, so before any resource is
 * created; each message names the full key path and is asserted exactly.
 */

type Class =
  | "namespaces and the stack"
  | "networks"
  | "ARNs"
  | "names and certificates"
  | "ports"
  | "resources"
  | "catalogues"
  | "secrets"
  | "production protections";

interface Mistake {
  readonly class: Class;
  readonly title: string;
  /** The fixture the mistake is made in (default dev). */
  readonly fixture?: FixtureStack;
  /** The stack's name, when it differs from the fixture's. */
  readonly stackName?: string;
  readonly overlay: ConfigOverlay;
  /** Keys written outside `config:` in the stack file. */
  readonly outsideConfig?: readonly string[];
  readonly expected: readonly string[];
}

const CERT =
  "arn:aws:acm:eu-central-1:444455556666:certificate/1a1b2c3d-4e5f-4071-8293-a4b5c6d7e8f9";
const OIDC_ID = "1A1B2C3D4E5F60718293A4B5C6D7E8F9";
const oidc = (account: string, region = "eu-central-1") =>
  `arn:aws:iam::${account}:oidc-provider/oidc.eks.${region}.amazonaws.com/id/${OIDC_ID}`;
const NAMESPACES = "use one of causeway, aws, kubernetes, pulumi";
const REGIONS = awsRegions.join(", ");
const services = (s: Record<string, unknown>) => ({ "causeway:services": s });
const edge = (e: Record<string, unknown>) => ({ "causeway:edge": e });
const network = (n: Record<string, unknown>) => ({ "causeway:network": n });
const consul = (c: Record<string, unknown>) => ({ "causeway:consul": c });
const broker = (b: Record<string, unknown>) => ({ "causeway:broker": b });
const database = (d: Record<string, unknown>) => ({ "causeway:database": d });
const window = (w: Record<string, unknown>) => broker({ maintenanceWindow: w });
const credential = (svc: string, key: string) =>
  `causeway:services.${svc}.env.${key}: looks like a credential, and env is plaintext (in git and in the plan); move it to causeway:services.${svc}.secretEnv.${key}: either a secret value (pulumi config set --secret --path 'causeway:services.${svc}.secretEnv.${key}' <value>), which the program stores in Secret ${svc}-env, or { secretName, key } of an existing Kubernetes Secret`;
const sidecarPort = (port: number, use: string) =>
  `causeway:services.orders.port: is bound in every meshed pod by the Consul sidecar (${use}), so the service could not listen on it; pick another port, such as 8080 (found ${port})`;
const notCovered = (path: string, names: string, host: string, created = false) =>
  `${path}: is not covered by the certificate's names (${names}): browsers would refuse the TLS handshake; ${created ? "expose it on causeway:edge.domain, or set causeway:edge.certificateArn to a certificate that covers it" : "use a certificate that covers it and list its names in causeway:edge.certificateNames"} (found "${host}")`;

const CORPUS: readonly Mistake[] = [
  // 1. Namespaces and the stack itself.
  ...(
    [
      ["causewya:services", "causewya", "causeway:services"],
      ["Causeway:edge", "Causeway", "causeway:edge"],
      ["cuaseway:database", "cuaseway", "causeway:database"],
      ["causway:broker", "causway", "causeway:broker"],
    ] as const
  ).map(([key, ns, hint]): Mistake => ({
    class: "namespaces and the stack",
    title: `a mistyped namespace: ${key}`,
    overlay: { [key]: { replicas: 2 } },
    expected: [
      `${key}: unknown config namespace "${ns}" (did you mean "${hint}"?), so no program reads this key; ${NAMESPACES}`,
    ],
  })),
  {
    class: "namespaces and the stack",
    title: "the project name as namespace",
    overlay: { "app:services": { orders: {} } },
    expected: [
      `app:services: unknown config namespace "app", so no program reads this key; ${NAMESPACES}`,
    ],
  },
  {
    class: "namespaces and the stack",
    title: "a k8s namespace for the kubernetes provider",
    overlay: { "k8s:context": "prod" },
    expected: [
      `k8s:context: unknown config namespace "k8s", so no program reads this key; ${NAMESPACES}`,
    ],
  },
  {
    class: "namespaces and the stack",
    title: "a misspelt key in the causeway namespace",
    overlay: { "causeway:databse": { multiAz: true } },
    expected: [
      'causeway:databse: unknown key (did you mean "causeway:database"?); valid keys: causeway:environment, causeway:cluster, causeway:network, causeway:services, causeway:consul, causeway:edge, causeway:broker, causeway:database, causeway:cache, causeway:images, causeway:metrics, causeway:observability',
    ],
  },
  {
    class: "namespaces and the stack",
    title: "no aws:region",
    overlay: { "aws:region": null },
    expected: [
      "aws:region: is required: the Region of the cluster and of everything the stack creates; set it with pulumi config set aws:region <region>, such as eu-west-1",
    ],
  },
  {
    class: "namespaces and the stack",
    title: "a Region that does not exist",
    overlay: { "aws:region": "eu-west-9" },
    expected: [
      `aws:region: must be an AWS Region code (did you mean "eu-west-1"?), such as eu-west-1; known Regions: ${REGIONS} (found "eu-west-9")`,
    ],
  },
  {
    class: "namespaces and the stack",
    title: "a Region in capitals",
    overlay: { "aws:region": "EU-CENTRAL-1" },
    expected: [
      `aws:region: must be an AWS Region code (did you mean "eu-central-1"?), such as eu-west-1; known Regions: ${REGIONS} (found "EU-CENTRAL-1")`,
    ],
  },
  {
    class: "namespaces and the stack",
    title: "a city for a Region",
    overlay: { "aws:region": "frankfurt" },
    expected: [
      `aws:region: must be an AWS Region code, such as eu-west-1; known Regions: ${REGIONS} (found "frankfurt")`,
    ],
  },
  {
    class: "namespaces and the stack",
    title: "an Availability Zone for a Region",
    overlay: { "aws:region": "eu-central-1a" },
    expected: [
      `aws:region: must be an AWS Region code (did you mean "eu-central-1"?), such as eu-west-1; known Regions: ${REGIONS} (found "eu-central-1a")`,
    ],
  },
  {
    class: "namespaces and the stack",
    title: "a key written outside config:",
    overlay: {},
    outsideConfig: ["causeway:services"],
    expected: [
      "causeway:services: is written outside config: in the stack file, so Pulumi ignores it; indent it under config:",
    ],
  },
  {
    class: "namespaces and the stack",
    title: "two keys written outside config:",
    overlay: {},
    outsideConfig: ["aws:region", "causeway:broker"],
    expected: [
      "aws:region: is written outside config: in the stack file, so Pulumi ignores it; indent it under config:",
      "causeway:broker: is written outside config: in the stack file, so Pulumi ignores it; indent it under config:",
    ],
  },
  {
    class: "namespaces and the stack",
    title: "a stack named prod whose environment is dev",
    stackName: "prod",
    overlay: {},
    expected: [
      'causeway:environment: is "dev" but the stack is named "prod", a tier\'s name: production rules key on causeway:environment, so a stack named after a tier must be that tier; set causeway:environment: prod, or give the stack another name (found "dev")',
    ],
  },
  {
    class: "namespaces and the stack",
    title: "a stack named staging whose environment is dev",
    stackName: "staging",
    overlay: {},
    expected: [
      'causeway:environment: is "dev" but the stack is named "staging", a tier\'s name: production rules key on causeway:environment, so a stack named after a tier must be that tier; set causeway:environment: staging, or give the stack another name (found "dev")',
    ],
  },
  {
    class: "namespaces and the stack",
    title: "an account id with dashes",
    overlay: { "aws:allowedAccountIds": ["4444-5555-6666"] },
    expected: [
      'aws:allowedAccountIds[0]: must be a 12-digit AWS account id, as a string (found "4444-5555-6666")',
    ],
  },
  {
    class: "namespaces and the stack",
    title: "an environment that is not a tier",
    overlay: { "causeway:environment": "production" },
    expected: ['causeway:environment: must be one of dev, staging, prod (found "production")'],
  },

  // 2. Networks.
  {
    class: "networks",
    title: "private subnets copied from the public ones",
    overlay: network({
      privateSubnetIds: ["subnet-0f1000000000000aa", "subnet-0f1000000000000ab"],
      privateSubnetCidrs: ["10.110.0.0/20", "10.110.16.0/20"],
    }),
    expected: [
      'causeway:network.privateSubnetCidrs[0]: repeats publicSubnetCidrs[0] (10.110.0.0/20); subnets of a VPC never overlap, give each subnet its own CIDR block (found "10.110.0.0/20")',
      'causeway:network.privateSubnetCidrs[1]: repeats publicSubnetCidrs[1] (10.110.16.0/20); subnets of a VPC never overlap, give each subnet its own CIDR block (found "10.110.16.0/20")',
      'causeway:network.privateSubnetIds[0]: is also listed in publicSubnetIds: a subnet is public or private, never both; list the VPC\'s private subnets here (found "subnet-0f1000000000000aa")',
      'causeway:network.privateSubnetIds[1]: is also listed in publicSubnetIds: a subnet is public or private, never both; list the VPC\'s private subnets here (found "subnet-0f1000000000000ab")',
    ],
  },
  {
    class: "networks",
    title: "one subnet id in both lists",
    overlay: network({
      privateSubnetIds: ["subnet-0f1000000000000aa", "subnet-0f2000000000000ab"],
    }),
    expected: [
      'causeway:network.privateSubnetIds[0]: is also listed in publicSubnetIds: a subnet is public or private, never both; list the VPC\'s private subnets here (found "subnet-0f1000000000000aa")',
    ],
  },
  {
    class: "networks",
    title: "a public CIDR repeated within its list",
    overlay: network({ publicSubnetCidrs: ["10.110.0.0/20", "10.110.0.0/20"] }),
    expected: [
      'causeway:network.publicSubnetCidrs[1]: repeats publicSubnetCidrs[0] (10.110.0.0/20); subnets of a VPC never overlap, give each subnet its own CIDR block (found "10.110.0.0/20")',
    ],
  },
  {
    class: "networks",
    title: "public CIDRs overlapping within their list",
    overlay: network({ publicSubnetCidrs: ["10.110.0.0/20", "10.110.8.0/21"] }),
    expected: [
      'causeway:network.publicSubnetCidrs[1]: overlaps publicSubnetCidrs[0] (10.110.0.0/20); subnets of a VPC never overlap, give each subnet its own CIDR block (found "10.110.8.0/21")',
    ],
  },
  {
    class: "networks",
    title: "private CIDRs overlapping within their list",
    overlay: network({ privateSubnetCidrs: ["10.110.128.0/19", "10.110.128.0/20"] }),
    expected: [
      'causeway:network.privateSubnetCidrs[1]: overlaps privateSubnetCidrs[0] (10.110.128.0/19); subnets of a VPC never overlap, give each subnet its own CIDR block (found "10.110.128.0/20")',
    ],
  },
  {
    class: "networks",
    title: "a private CIDR spanning the public subnets",
    overlay: network({ privateSubnetCidrs: ["10.110.0.0/17", "10.110.160.0/19"] }),
    expected: [
      'causeway:network.privateSubnetCidrs[0]: overlaps publicSubnetCidrs[0] (10.110.0.0/20); subnets of a VPC never overlap, give each subnet its own CIDR block (found "10.110.0.0/17")',
    ],
  },
  {
    class: "networks",
    title: "a subnet CIDR with host bits",
    overlay: network({ publicSubnetCidrs: ["10.110.0.1/20", "10.110.16.0/20"] }),
    expected: [
      'causeway:network.publicSubnetCidrs[0]: must be a network address with no host bits set (did you mean 10.110.0.0/20?) (found "10.110.0.1/20")',
    ],
  },
  {
    class: "networks",
    title: "a subnet of another VPC",
    overlay: network({ privateSubnetCidrs: ["10.111.128.0/19", "10.110.160.0/19"] }),
    expected: [
      'causeway:network.privateSubnetCidrs[0]: must lie inside vpcCidr 10.110.0.0/16 (found "10.111.128.0/19")',
    ],
  },
  {
    class: "networks",
    title: "fewer CIDRs than subnets",
    overlay: network({ publicSubnetCidrs: ["10.110.0.0/20"] }),
    expected: [
      'causeway:network.publicSubnetCidrs: lists 1 CIDR blocks for 2 publicSubnetIds; give each subnet\'s CIDR block, in the same order (found ["10.110.0.0/20"])',
    ],
  },
  {
    class: "networks",
    title: "a subnet id listed twice",
    overlay: network({ publicSubnetIds: ["subnet-0f1000000000000aa", "subnet-0f1000000000000aa"] }),
    expected: [
      'causeway:network.publicSubnetIds: lists a subnet more than once (found ["subnet-0f1000000000000aa","subnet-0f1000000000000aa"])',
    ],
  },
  {
    class: "networks",
    title: "an allow-list CIDR with host bits",
    overlay: edge({ allowedCidrs: ["10.0.0.1/16"] }),
    expected: [
      'causeway:edge.allowedCidrs[0]: must be a network address with no host bits set (did you mean 10.0.0.0/16, or 10.0.0.1/32 for one host?) (found "10.0.0.1/16")',
    ],
  },
  {
    class: "networks",
    title: "an office address as an allow-list /24",
    overlay: edge({ allowedCidrs: ["203.0.113.7/24"] }),
    expected: [
      'causeway:edge.allowedCidrs[0]: must be a network address with no host bits set (did you mean 203.0.113.0/24, or 203.0.113.7/32 for one host?) (found "203.0.113.7/24")',
    ],
  },
  {
    class: "networks",
    title: "a console allow-list CIDR with host bits",
    overlay: broker({ consoleAllowedCidrs: ["192.168.1.10/24"] }),
    expected: [
      'causeway:broker.consoleAllowedCidrs[0]: must be a network address with no host bits set (did you mean 192.168.1.0/24, or 192.168.1.10/32 for one host?) (found "192.168.1.10/24")',
    ],
  },
  {
    class: "networks",
    title: "an allow-list CIDR listed twice",
    overlay: edge({ allowedCidrs: ["10.0.0.0/8", "10.0.0.0/8"] }),
    expected: [
      'causeway:edge.allowedCidrs: lists a CIDR more than once (found ["10.0.0.0/8","10.0.0.0/8"])',
    ],
  },
  {
    class: "networks",
    title: "a console open to the internet",
    overlay: broker({ consoleAllowedCidrs: ["0.0.0.0/0"] }),
    expected: [
      'causeway:broker.consoleAllowedCidrs[0]: must not be 0.0.0.0/0: that opens the management console to the internet; list your operators\' networks (found "0.0.0.0/0")',
    ],
  },
  {
    class: "networks",
    title: "a broker in a public subnet",
    overlay: broker({ subnetIds: ["subnet-0f1000000000000aa"] }),
    expected: [
      'causeway:broker.subnetIds: must be private subnets listed in causeway:network.privateSubnetIds (found ["subnet-0f1000000000000aa"])',
    ],
  },

  // 3. ARNs.
  {
    class: "ARNs",
    title: "a certificate from us-east-1 (as CloudFront needs), for a Frankfurt ALB",
    overlay: edge({ certificateArn: CERT.replace("eu-central-1", "us-east-1") }),
    expected: [
      `causeway:edge.certificateArn: is in us-east-1, but the stack deploys to aws:region eu-central-1, and the acm resource must be in that Region; use one from eu-central-1 (found ${found(CERT.replace("eu-central-1", "us-east-1"))})`,
    ],
  },
  {
    class: "ARNs",
    title: "a certificate from the shared-services account",
    overlay: edge({ certificateArn: CERT.replace("444455556666", "999900001111") }),
    expected: [
      `causeway:edge.certificateArn: is in account 999900001111, but the stack deploys to account 444455556666 (aws:allowedAccountIds, else causeway:cluster.oidcProviderArn); use the ARN from that account (found ${found(CERT.replace("444455556666", "999900001111"))})`,
    ],
  },
  {
    class: "ARNs",
    title: "a certificate ARN with an empty region",
    overlay: edge({ certificateArn: CERT.replace(":eu-central-1:", "::") }),
    expected: [
      `causeway:edge.certificateArn: has no region: the acm ARN must name its Region, aws:region (eu-central-1) (found ${found(CERT.replace(":eu-central-1:", "::"))})`,
    ],
  },
  {
    class: "ARNs",
    title: "a certificate ARN with an empty account",
    overlay: edge({ certificateArn: CERT.replace(":444455556666:", "::") }),
    expected: [
      `causeway:edge.certificateArn: has no account: the acm ARN must name the 12-digit account that owns it (444455556666) (found ${found(CERT.replace(":444455556666:", "::"))})`,
    ],
  },
  {
    class: "ARNs",
    title: "a certificate ARN of the China partition",
    overlay: edge({ certificateArn: CERT.replace("arn:aws:", "arn:aws-cn:") }),
    expected: [
      `causeway:edge.certificateArn: is in partition aws-cn, but aws:region eu-central-1 is in aws: start the ARN with arn:aws: (found ${found(CERT.replace("arn:aws:", "arn:aws-cn:"))})`,
    ],
  },
  {
    class: "ARNs",
    title: "an OIDC provider of another account than aws:allowedAccountIds",
    overlay: {
      "aws:allowedAccountIds": ["444455556666"],
      "causeway:cluster": { oidcProviderArn: oidc("999900001111") },
    },
    expected: [
      `causeway:cluster.oidcProviderArn: is in account 999900001111, but the stack deploys to account 444455556666 (aws:allowedAccountIds, else causeway:cluster.oidcProviderArn); use the ARN from that account (found ${found(oidc("999900001111"))})`,
    ],
  },
  {
    class: "ARNs",
    title: "the OIDC provider of a cluster in another Region",
    overlay: { "causeway:cluster": { oidcProviderArn: oidc("444455556666", "us-west-2") } },
    expected: [
      `causeway:cluster.oidcProviderArn: is the issuer of a cluster in us-west-2, but aws:region is eu-central-1; use the OIDC provider of the cluster in eu-central-1 (found ${found(oidc("444455556666", "us-west-2"))})`,
    ],
  },
  {
    class: "ARNs",
    title: "an OIDC provider ARN with an empty account",
    overlay: { "causeway:cluster": { oidcProviderArn: oidc("") } },
    expected: [
      `causeway:cluster.oidcProviderArn: has no account: the iam ARN must name the 12-digit account that owns it (found ${found(oidc(""))})`,
    ],
  },
  {
    class: "ARNs",
    title: "the GitHub Actions OIDC provider instead of the cluster's",
    overlay: {
      "causeway:cluster": {
        oidcProviderArn:
          "arn:aws:iam::444455556666:oidc-provider/token.actions.githubusercontent.com",
      },
    },
    expected: [
      'causeway:cluster.oidcProviderArn: must name an EKS issuer: arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<id> (found "arn:aws:iam::444455556666:oidc-provider/token.actions.githubusercontent.com")',
    ],
  },
  {
    class: "ARNs",
    title: "aws:allowedAccountIds naming another account than every ARN",
    overlay: { "aws:allowedAccountIds": ["123456789012"] },
    expected: [
      `causeway:cluster.oidcProviderArn: is in account 444455556666, but the stack deploys to account 123456789012 (aws:allowedAccountIds, else causeway:cluster.oidcProviderArn); use the ARN from that account (found ${found(oidc("444455556666"))})`,
      `causeway:edge.certificateArn: is in account 444455556666, but the stack deploys to account 123456789012 (aws:allowedAccountIds, else causeway:cluster.oidcProviderArn); use the ARN from that account (found ${found(CERT)})`,
    ],
  },
  {
    class: "ARNs",
    title: "aws:region changed, the ARNs not",
    overlay: { "aws:region": "eu-west-1" },
    expected: [
      `causeway:cluster.oidcProviderArn: is the issuer of a cluster in eu-central-1, but aws:region is eu-west-1; use the OIDC provider of the cluster in eu-west-1 (found ${found(oidc("444455556666"))})`,
      `causeway:edge.certificateArn: is in eu-central-1, but the stack deploys to aws:region eu-west-1, and the acm resource must be in that Region; use one from eu-west-1 (found ${found(CERT)})`,
    ],
  },
  {
    class: "ARNs",
    title: "an IAM role ARN for the OIDC provider",
    overlay: { "causeway:cluster": { oidcProviderArn: "arn:aws:iam::444455556666:role/eks" } },
    expected: [
      'causeway:cluster.oidcProviderArn: must be an IAM OIDC provider ARN: arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<id> (found "arn:aws:iam::444455556666:role/eks")',
    ],
  },

  // 4. Names and certificates.
  {
    class: "names and certificates",
    title: "a domain outside the hosted zone",
    overlay: edge({ domain: "api.other.com" }),
    expected: [
      'causeway:edge.domain: must lie inside the hosted zone fixture.example.com (zoneName): Route 53 refuses a record for a name outside its zone; use a name ending in .fixture.example.com, or the zone that holds api.other.com (found "api.other.com")',
    ],
  },
  {
    class: "names and certificates",
    title: "a domain in a look-alike zone",
    fixture: "staging",
    overlay: edge({ domain: "staging.fixture.example.org" }),
    expected: [
      'causeway:edge.domain: must lie inside the hosted zone fixture.example.com (zoneName): Route 53 refuses a record for a name outside its zone; use a name ending in .fixture.example.com, or the zone that holds staging.fixture.example.org (found "staging.fixture.example.org")',
    ],
  },
  {
    class: "names and certificates",
    title: "a domain whose suffix only looks like the zone",
    fixture: "staging",
    overlay: edge({ domain: "stagingfixture.example.com" }),
    expected: [
      'causeway:edge.domain: must lie inside the hosted zone fixture.example.com (zoneName): Route 53 refuses a record for a name outside its zone; use a name ending in .fixture.example.com, or the zone that holds stagingfixture.example.com (found "stagingfixture.example.com")',
    ],
  },
  {
    class: "names and certificates",
    title: "a zone id without the zone's name",
    fixture: "staging",
    overlay: edge({ zoneName: null }),
    expected: [
      "causeway:edge.zoneName: is required with zoneId: give the hosted zone's name (aws route53 get-hosted-zone --id Z2A1B2C3D4E5F60718293), so the domain can be checked to lie inside it",
    ],
  },
  {
    class: "names and certificates",
    title: "a zone name without its id",
    overlay: edge({ zoneId: null }),
    expected: [
      "causeway:edge.zoneName: is set without zoneId; set zoneId to the hosted zone's id, or remove zoneName",
    ],
  },
  {
    class: "names and certificates",
    title: "an existing certificate without its names",
    overlay: edge({ certificateNames: null }),
    expected: [
      "causeway:edge.certificateNames: is required with certificateArn: list the names the certificate covers (aws acm describe-certificate: DomainName and SubjectAlternativeNames), so every exposed host can be checked against them",
    ],
  },
  {
    class: "names and certificates",
    title: "certificate names for a certificate the stack creates",
    fixture: "staging",
    overlay: edge({ certificateNames: ["*.fixture.example.com"] }),
    expected: [
      "causeway:edge.certificateNames: is set without certificateArn; the certificate the stack creates covers domain, so remove certificateNames or set certificateArn",
    ],
  },
  {
    class: "names and certificates",
    title: "an exposed host of another domain",
    overlay: services({ gateway: { expose: { host: "api.example.net" } } }),
    expected: [
      notCovered(
        "causeway:services.gateway.expose.host",
        "*.fixture.example.com",
        "api.example.net",
      ),
    ],
  },
  {
    class: "names and certificates",
    title: "a host two labels under a wildcard certificate",
    overlay: services({ gateway: { expose: { host: "v1.api.fixture.example.com" } } }),
    expected: [
      notCovered(
        "causeway:services.gateway.expose.host",
        "*.fixture.example.com",
        "v1.api.fixture.example.com",
      ),
    ],
  },
  {
    class: "names and certificates",
    title: "a certificate for another name than the domain",
    overlay: edge({ certificateNames: ["api.fixture.example.com"] }),
    expected: [
      notCovered("causeway:edge.domain", "api.fixture.example.com", "dev.fixture.example.com"),
    ],
  },
  {
    class: "names and certificates",
    title: "a second host on a certificate the stack creates for the domain only",
    fixture: "staging",
    overlay: services({ orders: { expose: { host: "admin.fixture.example.com" } } }),
    expected: [
      notCovered(
        "causeway:services.orders.expose.host",
        "staging.fixture.example.com",
        "admin.fixture.example.com",
        true,
      ),
    ],
  },
  {
    class: "names and certificates",
    title: "the same path with and without a trailing slash",
    overlay: services({
      orders: { expose: { path: "/api/" } },
      payments: { expose: { path: "/api" } },
    }),
    expected: [
      'causeway:services.payments.expose: claims host "*" and path "/api", which service "orders" already exposes; give one of them another host or path',
    ],
  },
  {
    class: "names and certificates",
    title: "a path with doubled trailing slashes",
    overlay: services({
      orders: { expose: { path: "/orders" } },
      payments: { expose: { path: "/orders//" } },
    }),
    expected: [
      'causeway:services.payments.expose: claims host "*" and path "/orders//", which service "orders" already exposes; give one of them another host or path',
    ],
  },
  {
    class: "names and certificates",
    title: "an exposure with neither host nor path",
    overlay: services({ orders: { expose: {} } }),
    expected: ["causeway:services.orders.expose: needs a host, a path or both"],
  },
  {
    class: "names and certificates",
    title: "an exposed host in capitals",
    overlay: services({ orders: { expose: { host: "Orders.fixture.example.com" } } }),
    expected: [
      'causeway:services.orders.expose.host: must be a lower-case host name such as api.example.com (found "Orders.fixture.example.com")',
    ],
  },
  {
    class: "names and certificates",
    title: "a zone name for the zone id",
    overlay: edge({ zoneId: "fixture.example.com" }),
    expected: [
      "causeway:edge.zoneId: must be a Route 53 hosted zone id: 'Z' then up to 31 upper-case letters or digits, such as Z0123456789ABCDEFGHIJ (found \"fixture.example.com\")",
    ],
  },
  {
    class: "names and certificates",
    title: "a path without its leading slash",
    overlay: services({ orders: { expose: { path: "orders" } } }),
    expected: [
      "causeway:services.orders.expose.path: must be a path starting with '/', made of letters, digits and . _ ~ - / (found \"orders\")",
    ],
  },

  // 5. Ports.
  ...(
    [
      [20000, "the Envoy inbound listener"],
      [15001, "the transparent-proxy outbound listener"],
      [19000, "the Envoy admin interface"],
      [21000, "the Envoy readiness endpoint"],
      [20100, "the merged-metrics endpoint"],
      [20200, "the Prometheus scrape endpoint"],
      [20300, "the rewritten liveness probe listener"],
      [20600, "the graceful-shutdown endpoint"],
    ] as const
  ).map(([port, use]): Mistake => ({
    class: "ports",
    title: `port ${port}, which the sidecar binds`,
    overlay: services({ orders: { port } }),
    expected: [sidecarPort(port, use)],
  })),
  {
    class: "ports",
    title: "a privileged port",
    overlay: services({ orders: { port: 80 } }),
    expected: ["causeway:services.orders.port: Too small: expected number to be >=1024 (found 80)"],
  },
  {
    class: "ports",
    title: "a port above 65535",
    overlay: services({ orders: { port: 80800 } }),
    expected: [
      "causeway:services.orders.port: Too big: expected number to be <=65535 (found 80800)",
    ],
  },
  {
    class: "ports",
    title: "a port written as a string",
    overlay: services({ orders: { port: "8081" } }),
    expected: [
      'causeway:services.orders.port: Invalid input: expected number, received string (found "8081")',
    ],
  },
  {
    class: "ports",
    title: "a service named consul",
    overlay: services({ consul: {}, gateway: { upstreams: ["orders", "consul"] } }),
    expected: [
      'causeway:services.consul: must not be named "consul": Consul registers its servers under that service name, so the mesh would route callers of this service to the servers; rename it',
    ],
  },

  // 6. Resources.
  {
    class: "resources",
    title: "a Consul CPU request above its limit",
    overlay: consul({ resources: { cpu: "2" } }),
    expected: [
      'causeway:consul.resources.cpu: must be at most resources.cpuLimit (500m): Kubernetes refuses a pod whose request exceeds its limit (found "2")',
    ],
  },
  {
    class: "resources",
    title: "a Consul CPU request in millicores above a limit in cores",
    fixture: "staging",
    overlay: consul({ resources: { cpu: "1500m" } }),
    expected: [
      'causeway:consul.resources.cpu: must be at most resources.cpuLimit (1): Kubernetes refuses a pod whose request exceeds its limit (found "1500m")',
    ],
  },
  {
    class: "resources",
    title: "a Consul memory request above its limit",
    overlay: consul({ resources: { memory: "1Gi" } }),
    expected: ["causeway:consul.resources.memoryLimit: memoryLimit must be at least memory"],
  },
  {
    class: "resources",
    title: "a service memory request above its limit",
    overlay: services({ orders: { resources: { memory: "1Gi", memoryLimit: "512Mi" } } }),
    expected: [
      'causeway:services.orders.resources.memoryLimit: must be at least resources.memory (1Gi) (found "512Mi")',
    ],
  },
  {
    class: "resources",
    title: "memory in decimal gigabytes",
    overlay: services({ orders: { resources: { memory: "1G" } } }),
    expected: [
      'causeway:services.orders.resources.memory: must be a memory quantity in Mi or Gi, such as 128Mi or 1Gi (found "1G")',
    ],
  },
  {
    class: "resources",
    title: "memory in lower case",
    overlay: services({ orders: { resources: { memoryLimit: "512mi" } } }),
    expected: [
      'causeway:services.orders.resources.memoryLimit: must be a memory quantity in Mi or Gi, such as 128Mi or 1Gi (found "512mi")',
    ],
  },
  {
    class: "resources",
    title: "CPU in words",
    overlay: services({ orders: { resources: { cpu: "0.5 cores" } } }),
    expected: [
      'causeway:services.orders.resources.cpu: must be a CPU quantity such as 100m, 250m or 1 (found "0.5 cores")',
    ],
  },
  {
    class: "resources",
    title: "CPU in mega instead of milli",
    overlay: consul({ resources: { cpu: "250M" } }),
    expected: [
      'causeway:consul.resources.cpu: must be a CPU quantity such as 100m, 250m or 1 (found "250M")',
    ],
  },
  {
    class: "resources",
    title: "a CPU given as a number",
    overlay: services({ orders: { resources: { cpu: 1 } } }),
    expected: [
      "causeway:services.orders.resources.cpu: Invalid input: expected string, received number (found 1)",
    ],
  },
  {
    class: "resources",
    title: "Raft storage in GB",
    overlay: consul({ storageSize: "10GB" }),
    expected: [
      'causeway:consul.storageSize: must be a storage size in Gi, such as 10Gi (found "10GB")',
    ],
  },
  {
    class: "resources",
    title: "an autoscaler maximum below the minimum",
    fixture: "prod",
    overlay: services({ orders: { replicas: 5, autoscaling: { maxReplicas: 4 } } }),
    expected: [
      "causeway:services.orders.autoscaling.maxReplicas: must be at least replicas (5), the autoscaler's minimum (found 4)",
    ],
  },
  {
    class: "resources",
    title: "a single replica in staging",
    fixture: "staging",
    overlay: services({ orders: { replicas: 1 } }),
    expected: [
      "causeway:services.orders.replicas: must be at least 2 in staging, so that a rollout, a node drain or a zone outage never leaves the service without a ready pod; only dev runs 1 replica (found 1)",
    ],
  },

  // 7. Versions and catalogues.
  {
    class: "catalogues",
    title: "chart and Consul versions swapped",
    overlay: consul({ chartVersion: "1.22.7", consulVersion: "1.9.11" }),
    expected: [
      'causeway:consul.chartVersion: is a Consul version and consulVersion a chart version: the two are swapped; chart 1.9.11 ships consul 1.22.7 (found "1.22.7")',
    ],
  },
  {
    class: "catalogues",
    title: "a Consul version the chart does not ship",
    overlay: consul({ consulVersion: "1.21.0" }),
    expected: [
      'causeway:consul.consulVersion: must be 1.22.7, the Consul version chart 1.9.11 ships (Chart.yaml appVersion); another version runs against templates made for 1.22.7 (found "1.21.0")',
    ],
  },
  {
    class: "catalogues",
    title: "a chart version Causeway does not know",
    overlay: consul({ chartVersion: "1.10.0" }),
    expected: [
      'causeway:consul.chartVersion: must be a hashicorp/consul chart version Causeway supports: chart 1.9.11 ships consul 1.22.7 (found "1.10.0")',
    ],
  },
  {
    class: "catalogues",
    title: "a chart version range",
    overlay: consul({ chartVersion: "^1.9.0" }),
    expected: [
      'causeway:consul.chartVersion: must be an exact Helm chart version such as 1.9.11 (no ranges) (found "^1.9.0")',
    ],
  },
  {
    class: "catalogues",
    title: "a controller chart whose IAM policy is not bundled",
    overlay: edge({ controller: { chartVersion: "2.8.0" } }),
    expected: [
      'causeway:edge.controller.chartVersion: must be a chart version whose IAM policy Causeway bundles: 3.5.0 (controller v3.5.0) (found "2.8.0")',
    ],
  },
  {
    class: "catalogues",
    title: "the controller's app version for its chart version",
    overlay: edge({ controller: { chartVersion: "v3.5.0" } }),
    expected: [
      'causeway:edge.controller.chartVersion: must be an exact chart version such as 3.5.0 (no ranges) (found "v3.5.0")',
    ],
  },
  {
    class: "catalogues",
    title: "an RDS class of a retired family",
    overlay: database({ instanceClass: "db.t2.micro" }),
    expected: [
      'causeway:database.instanceClass: must be an RDS for PostgreSQL instance class db.<family>.<size>, family one of t3, t4g, m5, m5d, m6g, m6gd, m6i, m6id, m6idn, m6in, m7g, m7i, m8g, r5, r5b, r5d, r6g, r6gd, r6i, r6id, r6idn, r6in, r7g, r7i, r8g, x2g (found "db.t2.micro")',
    ],
  },
  {
    class: "catalogues",
    title: "an EC2 instance type for an RDS class",
    overlay: database({ instanceClass: "t4g.micro" }),
    expected: [
      'causeway:database.instanceClass: must be an RDS for PostgreSQL instance class db.<family>.<size>, family one of t3, t4g, m5, m5d, m6g, m6gd, m6i, m6id, m6idn, m6in, m7g, m7i, m8g, r5, r5b, r5d, r6g, r6gd, r6i, r6id, r6idn, r6in, r7g, r7i, r8g, x2g (found "t4g.micro")',
    ],
  },
  ...(["rdsadmin", "rds_superuser", "pg_admin"] as const).map((name): Mistake => ({
    class: "catalogues",
    title: `the reserved master username ${name}`,
    overlay: database({ masterUsername: name }),
    expected: [
      `causeway:database.masterUsername: must not be a role name RDS or PostgreSQL reserves: rdsadmin, rdsrepladmin, rds_superuser, rds_replication, rds_password or pg_* (found "${name}")`,
    ],
  })),
  {
    class: "catalogues",
    title: "a master username with a hyphen",
    overlay: database({ masterUsername: "app-admin" }),
    expected: [
      'causeway:database.masterUsername: must be 1-63 letters, digits or underscores, starting with a letter (found "app-admin")',
    ],
  },
  {
    class: "catalogues",
    title: "an RabbitMQ 4.2 broker on mq.m5",
    overlay: broker({ instanceType: "mq.m5.large" }),
    expected: [
      'causeway:broker.instanceType: RabbitMQ 4.2 runs only on mq.m7g.* instance types (found "mq.m5.large")',
    ],
  },
  {
    class: "catalogues",
    title: "a cluster of mq.t3.micro",
    fixture: "staging",
    overlay: broker({ engineVersion: "3.13", instanceType: "mq.t3.micro" }),
    expected: [
      'causeway:broker.deploymentMode: CLUSTER_MULTI_AZ needs three nodes of a cluster-capable instance type; mq.t3.micro runs SINGLE_INSTANCE only (found "CLUSTER_MULTI_AZ")',
    ],
  },
  {
    class: "catalogues",
    title: "an ActiveMQ deployment mode for RabbitMQ",
    overlay: broker({ deploymentMode: "ACTIVE_STANDBY_MULTI_AZ" }),
    expected: [
      'causeway:broker.deploymentMode: must be one of SINGLE_INSTANCE, CLUSTER_MULTI_AZ (found "ACTIVE_STANDBY_MULTI_AZ")',
    ],
  },
  {
    class: "catalogues",
    title: "a mistyped maintenance time zone",
    overlay: window({ timeZone: "Europe/Dubln" }),
    expected: [
      'causeway:broker.maintenanceWindow.timeZone: must be an IANA time zone such as UTC or Europe/Dublin (did you mean "Europe/Dublin"?), or a UTC offset such as +01:00 (found "Europe/Dubln")',
    ],
  },
  {
    class: "catalogues",
    title: "a city that is not a zone",
    overlay: window({ timeZone: "Europe/Frankfurt" }),
    expected: [
      'causeway:broker.maintenanceWindow.timeZone: must be an IANA time zone such as UTC or Europe/Dublin, or a UTC offset such as +01:00 (found "Europe/Frankfurt")',
    ],
  },
  {
    class: "catalogues",
    title: "an offset beyond +14:00",
    overlay: window({ timeZone: "+25:00" }),
    expected: [
      'causeway:broker.maintenanceWindow.timeZone: must be an IANA time zone such as UTC or Europe/Dublin, or a UTC offset such as +01:00 (found "+25:00")',
    ],
  },
  {
    class: "catalogues",
    title: "a day in title case",
    overlay: window({ dayOfWeek: "Sunday" }),
    expected: [
      'causeway:broker.maintenanceWindow.dayOfWeek: must be one of MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY (found "Sunday")',
    ],
  },
  {
    class: "catalogues",
    title: "a PostgreSQL major past standard support",
    overlay: database({ engineVersion: "13" }),
    expected: [
      'causeway:database.engineVersion: must be a PostgreSQL major version under RDS standard support: 14, 15, 16, 17, 18 (found "13")',
    ],
  },
  {
    class: "catalogues",
    title: "a RabbitMQ patch version",
    overlay: broker({ engineVersion: "3.13.7" }),
    expected: [
      'causeway:broker.engineVersion: must be major.minor only, such as 4.2: Amazon MQ picks and upgrades the patch version (found "3.13.7")',
    ],
  },

  // 8. Secrets by reference.
  ...(
    [
      ["payments", "STRIPE_API_KEY"],
      ["orders", "DB_PASSWORD"],
      ["gateway", "JWT_SECRET"],
      ["gateway", "GITHUB_TOKEN"],
      ["orders", "AWS_SECRET_ACCESS_KEY"],
      ["payments", "PRIVATE_KEY"],
    ] as const
  ).map(([svc, key]): Mistake => ({
    class: "secrets",
    title: `a credential in plaintext env: ${svc}.${key}`,
    overlay: services({ [svc]: { env: { [key]: "s3cr3t-value" } } }),
    expected: [credential(svc, key)],
  })),
  {
    class: "secrets",
    title: "a secure: value in env",
    overlay: services({ payments: { env: { STRIPE_API_KEY: { secure: "v1:AAAA" } } } }),
    expected: [
      "causeway:services.payments.env.STRIPE_API_KEY: is a secret, but env is plaintext (in git and in the plan): move it to causeway:services.payments.secretEnv.STRIPE_API_KEY, which the program stores in Secret payments-env for payments only",
    ],
  },
  {
    class: "secrets",
    title: "a secretEnv value in plaintext",
    overlay: services({ payments: { secretEnv: { STRIPE_API_KEY: "sk_live_abc" } } }),
    expected: [
      "causeway:services.payments.secretEnv.STRIPE_API_KEY: holds a credential in plaintext; store it as a secret instead: pulumi config set --secret --path 'causeway:services.payments.secretEnv.STRIPE_API_KEY' <value>, or use { secretName, key } of an existing Kubernetes Secret",
    ],
  },
  {
    class: "secrets",
    title: "a secure: value on a field that holds no credential",
    overlay: services({ orders: { replicas: { secure: "v1:AAAA" } } }),
    expected: [
      "causeway:services.orders.replicas: is stored as a secret, but in causeway:services only <service>.secretEnv.<VAR> may be secure; store this field as plain config",
    ],
  },
  {
    class: "secrets",
    title: "another service's database Secret",
    overlay: services({
      payments: {
        secretEnv: { ORDERS_DB: { secretName: "orders-database", key: "DATABASE_URL" } },
      },
    }),
    expected: [
      'causeway:services.payments.secretEnv.ORDERS_DB.secretName: is the Secret the platform keeps for service "orders" only; give payments a Secret of its own, or a secure: value (found "orders-database")',
    ],
  },
  {
    class: "secrets",
    title: "a variable in both env and secretEnv",
    overlay: services({
      payments: {
        env: { STRIPE_ACCOUNT: "acct_1" },
        secretEnv: { STRIPE_ACCOUNT: { secretName: "stripe", key: "account" } },
      },
    }),
    expected: [
      "causeway:services.payments.secretEnv.STRIPE_ACCOUNT: is also set in env: a variable comes from env or from secretEnv, not both; remove causeway:services.payments.env.STRIPE_ACCOUNT",
    ],
  },
  {
    class: "secrets",
    title: "a secretEnv shadowing the platform's DATABASE_URL",
    overlay: services({
      payments: { secretEnv: { DATABASE_URL: { secretName: "pg", key: "url" } } },
    }),
    expected: [
      "causeway:services.payments.secretEnv.DATABASE_URL: is set by the platform (from the service's port, upstreams, database or broker); remove it from secretEnv",
    ],
  },
  {
    class: "secrets",
    title: "a Secret name with capitals and an underscore",
    overlay: services({
      payments: { secretEnv: { STRIPE_API_KEY: { secretName: "Payments_Stripe", key: "key" } } },
    }),
    expected: [
      "causeway:services.payments.secretEnv.STRIPE_API_KEY.secretName: must be a Kubernetes Secret name: lowercase letters, digits, '-' or '.', such as payments-stripe (found \"Payments_Stripe\")",
    ],
  },
  {
    class: "networks",
    title: "neither a stack reference nor a network",
    overlay: {
      "causeway:cluster": { stackReference: null, kubeconfig: { secure: "v1:AAAA" } },
      "causeway:network": null,
    },
    expected: [
      "causeway:network: is required: The cluster's VPC: vpcId, vpcCidr, publicSubnetIds, privateSubnetIds, publicSubnetCidrs, privateSubnetCidrs (and optionally availabilityZones). Leave it out to read it from the outputs of causeway:cluster.stackReference; given, it wins over them. Set it in stacks/Pulumi.<stack>.yaml, or set causeway:cluster.stackReference to the causeway-cluster stack, whose outputs supply it.",
    ],
  },
  {
    class: "networks",
    title: "a cluster made elsewhere without its name and OIDC provider",
    overlay: {
      "causeway:cluster": {
        stackReference: null,
        name: null,
        oidcProviderArn: null,
        kubeconfig: { secure: "v1:AAAA" },
      },
    },
    expected: [
      "causeway:cluster.name: is required without stackReference (the EKS cluster's name); or set stackReference.name to the causeway-cluster stack, whose outputs supply it",
      "causeway:cluster.oidcProviderArn: is required without stackReference (aws eks describe-cluster --query cluster.identity.oidc.issuer, as arn:aws:iam::<account>:oidc-provider/<issuer host and path>); or set stackReference.name to the causeway-cluster stack, whose outputs supply it",
    ],
  },
  {
    class: "networks",
    title: "no way to reach the cluster at all",
    overlay: { "causeway:cluster": { stackReference: null, name: null, oidcProviderArn: null } },
    expected: [
      "causeway:cluster: needs a way to reach the cluster: set either kubeconfig (as a secret: pulumi config set --secret --path causeway:cluster.kubeconfig ...) or stackReference.name",
      "causeway:cluster.name: is required without stackReference (the EKS cluster's name); or set stackReference.name to the causeway-cluster stack, whose outputs supply it",
      "causeway:cluster.oidcProviderArn: is required without stackReference (aws eks describe-cluster --query cluster.identity.oidc.issuer, as arn:aws:iam::<account>:oidc-provider/<issuer host and path>); or set stackReference.name to the causeway-cluster stack, whose outputs supply it",
    ],
  },
  {
    class: "networks",
    title: "Availability Zones that do not pair with the subnets",
    overlay: network({ availabilityZones: ["eu-central-1a"] }),
    expected: [
      'causeway:network.availabilityZones: lists 1 Availability Zones for 2 publicSubnetIds; give each subnet\'s AZ, in the same order (found ["eu-central-1a"])',
      'causeway:network.availabilityZones: lists 1 Availability Zones for 2 privateSubnetIds; give each subnet\'s AZ, in the same order (found ["eu-central-1a"])',
    ],
  },
  {
    class: "networks",
    title: "a node security group that is a VPC id",
    overlay: { "causeway:cluster": { nodeSecurityGroupId: "vpc-0123456789abcdef0" } },
    expected: [
      'causeway:cluster.nodeSecurityGroupId: must be an AWS id of the form sg-0123456789abcdef0 (found "vpc-0123456789abcdef0")',
    ],
  },
  {
    class: "secrets",
    title: "a kubeconfig in plaintext",
    overlay: { "causeway:cluster": { stackReference: null, kubeconfig: "apiVersion: v1" } },
    expected: [
      "causeway:cluster.kubeconfig: holds a credential in plaintext; store it as a secret instead: pulumi config set --secret --path causeway:cluster.kubeconfig <value>",
    ],
  },
  {
    class: "secrets",
    title: "a secure: VPC id",
    overlay: network({ vpcId: { secure: "v1:AAAA" } }),
    expected: [
      "causeway:network.vpcId: is stored as a secret, but no field of causeway:network holds a credential, so store it as plain config",
    ],
  },
  {
    class: "secrets",
    title: "a secure: broker user name",
    overlay: broker({ adminUsername: { secure: "v1:AAAA" } }),
    expected: [
      "causeway:broker.adminUsername: is stored as a secret, but no field of causeway:broker holds a credential, so store it as plain config",
    ],
  },

  // 9. Production protections, by causeway:environment.
  ...(
    [
      [
        "deletionProtection",
        { deletionProtection: false },
        "must be true in prod: a stray pulumi destroy or console click would take the public endpoint down",
      ],
      [
        "accessLogs.enabled",
        { accessLogs: { enabled: false } },
        "must be true in prod: the access logs are the only record of who called the public endpoint",
      ],
      [
        "waf.enabled",
        { waf: { enabled: false } },
        "must be true in prod: the WAF's managed rules block known-bad requests before they reach a service",
      ],
    ] as const
  ).map(([field, value, message]): Mistake => ({
    class: "production protections",
    title: `prod without ALB ${field}`,
    fixture: "prod",
    overlay: edge(value),
    expected: [`causeway:edge.${field}: ${message} (found false)`],
  })),
  {
    class: "production protections",
    title: "prod with a single Consul server",
    fixture: "prod",
    overlay: consul({ servers: 1 }),
    expected: [
      "causeway:consul.servers: must be at least 3 in prod: with fewer, losing one server stops the mesh's control plane (found 1)",
    ],
  },
  {
    class: "production protections",
    title: "prod with a single-instance broker",
    fixture: "prod",
    overlay: broker({ deploymentMode: "SINGLE_INSTANCE", subnetIds: ["subnet-0f6000000000000aa"] }),
    expected: [
      'causeway:broker.deploymentMode: must be CLUSTER_MULTI_AZ in prod: a single instance is a single point of failure (found "SINGLE_INSTANCE")',
    ],
  },
  {
    class: "production protections",
    title: "prod with an evaluation broker instance",
    fixture: "prod",
    overlay: broker({ instanceType: "mq.m7g.medium" }),
    expected: [
      'causeway:broker.instanceType: is for evaluation and testing only (AWS); prod needs mq.m7g.large or larger (found "mq.m7g.medium")',
    ],
  },
  {
    class: "production protections",
    title: "prod with a single-AZ database",
    fixture: "prod",
    overlay: database({ multiAz: false }),
    expected: [
      "causeway:database.multiAz: must be true in prod: a standby in a second AZ takes over on failure (found false)",
    ],
  },
  {
    class: "production protections",
    title: "prod with three days of backups",
    fixture: "prod",
    overlay: database({ backupRetentionDays: 3 }),
    expected: ["causeway:database.backupRetentionDays: must be at least 7 in prod (found 3)"],
  },
  {
    class: "production protections",
    title: "prod with an unprotected database",
    fixture: "prod",
    overlay: database({ deletionProtection: false }),
    expected: [
      "causeway:database.deletionProtection: must be true in prod: RDS then refuses to delete the instance (found false)",
    ],
  },
  {
    class: "production protections",
    title: "a stack renamed from prod keeps the protections of its environment",
    fixture: "prod",
    stackName: "production-eu",
    overlay: edge({ deletionProtection: false, waf: { enabled: false } }),
    expected: [
      "causeway:edge.deletionProtection: must be true in prod: a stray pulumi destroy or console click would take the public endpoint down (found false)",
      "causeway:edge.waf.enabled: must be true in prod: the WAF's managed rules block known-bad requests before they reach a service (found false)",
    ],
  },
];

/** The raw config of a corpus row, as the engine (here, the offline reader) hands it over. */
function rawOf(m: Mistake): RawConfig {
  const raw = rawFixtureConfig(m.fixture ?? "dev", m.overlay);
  return m.outsideConfig ? { ...raw, outsideConfig: m.outsideConfig } : raw;
}

/** The ConfigError parsing a row raises (fails the test if it raises anything else). */
function refusal(m: Mistake): ConfigError {
  try {
    parsePlatformConfig(rawOf(m), m.stackName ?? m.fixture ?? "dev");
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`accepted: ${m.title}`);
}

describe("the mistakes corpus", () => {
  it("holds at least 100 mistakes, in every class of issue 17", () => {
    const perClass = new Map<Class, number>();
    for (const m of CORPUS) perClass.set(m.class, (perClass.get(m.class) ?? 0) + 1);
    expect(CORPUS.length).toBeGreaterThanOrEqual(100);
    expect(Math.min(...perClass.values())).toBeGreaterThanOrEqual(10);
    expect([...perClass.keys()].sort()).toEqual(
      [
        "namespaces and the stack",
        "networks",
        "ARNs",
        "names and certificates",
        "ports",
        "resources",
        "catalogues",
        "secrets",
        "production protections",
      ].sort(),
    );
    expect(new Set(CORPUS.map((m) => m.title)).size).toBe(CORPUS.length);
  });

  it.each(CORPUS.map((m) => [`${m.class}: ${m.title}`, m] as const))(
    "refuses %s, naming the key",
    (_, m) => {
      const e = refusal(m);
      expect(e.issues.map((i) => `${i.path}: ${i.message}`)).toEqual(m.expected);
      // Every problem names a full key path (namespace:key...), and the message is the
      // problems alone: no stack frames.
      for (const i of e.issues) expect(i.path).toMatch(/^[a-z0-9-]+:[A-Za-z]/i);
      expect(e.message).not.toMatch(/\n\s+at /);
    },
  );
});

describe("the program refuses the corpus before it creates anything", () => {
  // One mistake per class through the real program and the offline plan's engine: the
  // refusal is the ConfigError above, raised before any resource is registered.
  // The engine says only which keys are secret, not which leaf: rows with a secure: leaf are
  // worded for the leaf, so they are left to the table above.
  const eligible = CORPUS.filter(
    (m) => !m.outsideConfig && !m.stackName && !JSON.stringify(m.overlay).includes('"secure"'),
  );
  const sample = [...new Set(CORPUS.map((m) => m.class))].map((c) =>
    eligible.find((m) => m.class === c)!,
  );
  it("takes one mistake of every class", () => expect(sample.every(Boolean)).toBe(true));
  it.each(sample.map((m) => [`${m.class}: ${m.title}`, m] as const))("%s", async (_, m) => {
    const planned = planFixture(m.fixture ?? "dev", m.overlay);
    await expect(planned).rejects.toBeInstanceOf(ConfigError);
    await expect(planned).rejects.toThrow(m.expected[0]!);
  });
});

describe("a component's argument error is reported with its config key", () => {
  it.each<[string, ComponentArgsError, string[]]>([
    [
      "a NodeService argument named like the config field",
      new ComponentArgsError("NodeService", "orders", [
        'env: "PORT" is set twice (env, secretEnv and the derived SERVICE_NAME, HOST, PORT, SHUTDOWN_TIMEOUT_MS and <UPSTREAM>_URL must not overlap)',
      ]),
      [
        'causeway:services.orders.env: "PORT" is set twice (env, secretEnv and the derived SERVICE_NAME, HOST, PORT, SHUTDOWN_TIMEOUT_MS and <UPSTREAM>_URL must not overlap) (refused by the NodeService component "orders" before anything was created)',
      ],
    ],
    [
      "a Database argument",
      new ComponentArgsError("Database", "database", [
        "instanceClass: must be an RDS for PostgreSQL instance class",
      ]),
      [
        'causeway:database.instanceClass: must be an RDS for PostgreSQL instance class (refused by the Database component "database" before anything was created)',
      ],
    ],
    [
      "an argument the config does not have, named by its section",
      new ComponentArgsError("PublicLoadBalancer", "edge", [
        "targetGroupBindings: needs a namespace",
      ]),
      [
        'causeway:edge: targetGroupBindings: needs a namespace (refused by the PublicLoadBalancer component "edge" before anything was created)',
      ],
    ],
  ])("%s", (_, error, expected) => {
    const e = asConfigError(error, "dev");
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).issues.map((i) => `${i.path}: ${i.message}`)).toEqual(expected);
  });

  it("leaves any other error as it is", () => {
    const other = new TypeError("boom");
    expect(asConfigError(other)).toBe(other);
  });
});
