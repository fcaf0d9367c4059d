import type * as pulumi from "@pulumi/pulumi";

/**
 * `opts` with an alias from the type token a component had before the component provider
 * (infra/components/provider) served it. A served component registers `causeway:index:<Class>`:
 * the SDK's component provider constructs that token only (its
 * `ComponentProvider.validateResourceType` refuses any module but `index`, "we only support the
 * 'index' module", @pulumi/pulumi provider/experimental/provider.js, 3.248), and a YAML or
 * Python program then gets the URNs a TypeScript program gets. With the alias, existing stacks
 * move to the new URNs without replacing anything (children inherit their parent's alias).
 */
export function formerType(
  type: string,
  opts: pulumi.ComponentResourceOptions,
): pulumi.ComponentResourceOptions {
  return { ...opts, aliases: [...(opts.aliases ?? []), { type }] };
}
