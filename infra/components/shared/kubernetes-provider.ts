import type * as pulumi from "@pulumi/pulumi";

/**
 * The Kubernetes provider of a component's Kubernetes children: the `provider` arg when given,
 * otherwise the one the component holds from its resource options (`provider` or `providers`,
 * or its parent's). The second is how a program in another language passes it: the component
 * provider host rebuilds the Construct request's providers into the component's `providers`
 * option (provider/server.js `construct`, @pulumi/pulumi 3.248) and constructs
 * `new Class(name, inputs, opts)` (ComponentProvider.construct, provider/experimental/provider.js);
 * the Resource constructor keeps them by package, read back by `getProvider` (resource.js).
 * Undefined when there is neither: the component then refuses, rather than let its objects land
 * in whatever cluster the ambient kubeconfig points at.
 */
export function kubernetesProviderOf(
  component: pulumi.Resource,
  given: pulumi.ProviderResource | undefined,
): pulumi.ProviderResource | undefined {
  // getProvider takes a type token and looks up its package (pkgFromType, resource.js).
  return given ?? component.getProvider("kubernetes::Provider");
}

/** The problem a component reports when it has no Kubernetes provider at all. */
export const NO_KUBERNETES_PROVIDER =
  "provider: the cluster's Kubernetes provider is required, as this arg or as the component's `provider`/`providers` resource option (how other Pulumi languages pass it); nothing lands in the ambient context";
