import * as pulumi from "@pulumi/pulumi";

/**
 * A kubeconfig for an EKS cluster that takes its credentials from `aws eks get-token` (AWS CLI
 * v2) each time, so it holds no token. Source: Amazon EKS User Guide, "Connect kubectl to an EKS
 * cluster by creating a kubeconfig file" (exec, client.authentication.k8s.io/v1beta1).
 */
export function eksKubeconfig(args: {
  readonly clusterName: pulumi.Input<string>;
  readonly endpoint: pulumi.Input<string>;
  readonly certificateAuthority: pulumi.Input<string>;
  readonly region: pulumi.Input<string>;
}): pulumi.Output<string> {
  return pulumi
    .all([args.clusterName, args.endpoint, args.certificateAuthority, args.region])
    .apply(([name, server, ca, region]) =>
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name, cluster: { server, "certificate-authority-data": ca } }],
        contexts: [{ name, context: { cluster: name, user: name } }],
        "current-context": name,
        users: [
          {
            name,
            user: {
              exec: {
                apiVersion: "client.authentication.k8s.io/v1beta1",
                command: "aws",
                args: [
                  "eks",
                  "get-token",
                  "--cluster-name",
                  name,
                  "--region",
                  region,
                  "--output",
                  "json",
                ],
                interactiveMode: "Never",
              },
            },
          },
        ],
      }),
    );
}
