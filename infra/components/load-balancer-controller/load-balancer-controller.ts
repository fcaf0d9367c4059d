import * as aws from "../shared/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  CONTROLLER_CHART,
  CONTROLLER_IAM_POLICY_SOURCE,
  CONTROLLER_IAM_POLICY_VERSION,
  CONTROLLER_SERVICE_ACCOUNT,
  controllerIamPolicy,
  irsaTrustPolicy,
  oidcIssuerOf,
} from "./iam";
import { ComponentArgsError } from "../shared/errors";
import { formerType } from "../shared/type-token";
import { checkedWhenKnown, plainString } from "../shared/inputs";
import { kubernetesProviderOf, NO_KUBERNETES_PROVIDER } from "../shared/kubernetes-provider";

export interface LoadBalancerControllerArgs {
  /** The EKS cluster's name. Required. */
  readonly clusterName: pulumi.Input<string>;
  /**
   * ARN of the cluster's IAM OIDC provider (IRSA). Required. An Output is accepted (a cluster
   * made in the same program); it is checked once known.
   */
  readonly oidcProviderArn: pulumi.Input<string>;
  /** The cluster's VPC (so the controller needs no instance metadata). Required. */
  readonly vpcId: pulumi.Input<string>;
  /**
   * The cluster's Kubernetes provider. Default: the component's own `provider` or `providers`
   * resource option (how other Pulumi languages pass it). One of the two is required: nothing
   * lands in the ambient context.
   */
  readonly provider?: k8s.Provider;
  /** Chart version from https://aws.github.io/eks-charts. Default `3.5.0` (controller v3.5.0). */
  readonly chartVersion?: string;
  /** Controller replicas (one leads, the others serve the webhooks). Default 2. */
  readonly replicas?: number;
  /** Region the controller calls. Default: the provider's Region (`aws.getRegion`). */
  readonly region?: pulumi.Input<string>;
  /** Tags for the IAM resources. Default none. */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The AWS Load Balancer Controller, installed from its Helm chart, running under an IAM role
 * for its service account (IRSA) with the controller's published policy. Here it only
 * registers pod IPs through TargetGroupBindings: the load balancer itself is owned by Pulumi.
 * Make every TargetGroupBinding depend on `release`, so bindings are created after the
 * controller (and its webhooks) and deleted before it; otherwise their finalizers are never
 * removed and teardown hangs.
 */
export class LoadBalancerController extends pulumi.ComponentResource {
  /** The controller's IAM role (IRSA), with the published policy attached. */
  readonly role: aws.iam.Role;
  /** The controller's Helm release: make every TargetGroupBinding depend on it. */
  readonly release: k8s.helm.v3.Release;
  /** The namespace and name of the controller's service account (the IRSA subject). */
  readonly serviceAccount = CONTROLLER_SERVICE_ACCOUNT;

  constructor(
    name: string,
    args: LoadBalancerControllerArgs,
    opts: pulumi.ComponentResourceOptions = {},
  ) {
    super(
      "causeway:index:LoadBalancerController",
      name,
      {},
      formerType("causeway:edge:LoadBalancerController", opts),
    );
    const provider = kubernetesProviderOf(this, args.provider);
    const problems = [
      ...(provider === undefined ? [NO_KUBERNETES_PROVIDER] : []),
      ...checkControllerArgs(args),
    ];
    if (problems.length > 0) {
      throw new ComponentArgsError("LoadBalancerController", name, problems, this);
    }
    const chartVersion = args.chartVersion ?? CONTROLLER_CHART.version;
    if (chartVersion !== CONTROLLER_CHART.version) {
      void pulumi.log.warn(
        `chart ${chartVersion} is not the version whose IAM policy is bundled (controller ${CONTROLLER_IAM_POLICY_VERSION}, ${CONTROLLER_IAM_POLICY_SOURCE}); compare the policies before upgrading`,
        this,
      );
    }
    const parent = { parent: this };
    const oidcProviderArn =
      plainString(args.oidcProviderArn) ??
      checkedWhenKnown(args.oidcProviderArn, oidcProviderArnProblems, {
        type: "LoadBalancerController",
        name,
        resource: this,
      });

    this.role = new aws.iam.Role(
      `${name}-irsa`,
      {
        description: `AWS Load Balancer Controller (${CONTROLLER_SERVICE_ACCOUNT.namespace}/${CONTROLLER_SERVICE_ACCOUNT.name}) via IRSA`,
        assumeRolePolicy: pulumi
          .output(oidcProviderArn)
          .apply((arn) => JSON.stringify(irsaTrustPolicy(arn, CONTROLLER_SERVICE_ACCOUNT))),
        tags: args.tags,
      },
      parent,
    );
    const policy = new aws.iam.Policy(
      `${name}-irsa`,
      {
        description: `AWS Load Balancer Controller ${CONTROLLER_IAM_POLICY_VERSION}, from ${CONTROLLER_IAM_POLICY_SOURCE}`,
        policy: JSON.stringify(controllerIamPolicy()),
        tags: args.tags,
      },
      parent,
    );
    const attachment = new aws.iam.RolePolicyAttachment(
      `${name}-irsa`,
      { role: this.role.name, policyArn: policy.arn },
      parent,
    );

    this.release = new k8s.helm.v3.Release(
      name,
      {
        name: CONTROLLER_CHART.name,
        chart: CONTROLLER_CHART.name,
        version: chartVersion,
        repositoryOpts: { repo: CONTROLLER_CHART.repo },
        namespace: CONTROLLER_SERVICE_ACCOUNT.namespace,
        // Roll back a failed install or upgrade instead of leaving a half-applied release.
        atomic: true,
        cleanupOnFail: true,
        values: {
          clusterName: args.clusterName,
          region: args.region ?? aws.getRegionOutput({}, parent).region,
          vpcId: args.vpcId,
          replicaCount: args.replicas ?? 2,
          serviceAccount: {
            create: true,
            name: CONTROLLER_SERVICE_ACCOUNT.name,
            annotations: { "eks.amazonaws.com/role-arn": this.role.arn },
          },
          // Pulumi owns the load balancer: do not turn new LoadBalancer Services into NLBs.
          enableServiceMutatorWebhook: false,
          podDisruptionBudget: { maxUnavailable: 1 },
        },
      },
      // The role must carry its policy before the controller starts calling AWS.
      { parent: this, provider, dependsOn: [attachment] },
    );

    this.registerOutputs({ roleArn: this.role.arn, releaseName: this.release.name });
  }
}

/** Every problem with the args, before anything is created. */
export function checkControllerArgs(args: LoadBalancerControllerArgs): string[] {
  const arn = plainString(args.oidcProviderArn);
  // An Output ARN is checked once known (oidcProviderArnProblems, in the constructor).
  const problems: string[] = arn === undefined ? [] : oidcProviderArnProblems(arn);
  if (args.chartVersion !== undefined && !/^\d+\.\d+\.\d+$/.test(args.chartVersion)) {
    problems.push(
      `chartVersion "${args.chartVersion}" is not an exact chart version such as 3.5.0`,
    );
  }
  if (args.replicas !== undefined && !(Number.isInteger(args.replicas) && args.replicas >= 1)) {
    problems.push(`replicas ${args.replicas} must be a whole number >= 1`);
  }
  return problems;
}

/** What is wrong with the OIDC provider ARN, if anything. */
function oidcProviderArnProblems(arn: string): string[] {
  try {
    oidcIssuerOf(arn);
    return [];
  } catch (e) {
    return [`oidcProviderArn: ${(e as Error).message}`];
  }
}
