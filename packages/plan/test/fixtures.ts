import { DEFAULT_RESOURCE_OPTIONS, type Plan, type PlannedResource } from "../src/core/model";

/** Synthetic plans for the diff and Markdown tests. */

export const STACK_URN = "urn:pulumi:dev::causeway::pulumi:pulumi:Stack::causeway-dev";

/** A resource under the stack (or `parent`), with the plan's URN scheme. */
export function res(
  type: string,
  name: string,
  inputs: Record<string, unknown> = {},
  extra: Partial<PlannedResource> = {},
): PlannedResource {
  const parent = extra.parent ?? STACK_URN;
  const parentType = (parent.split("::")[2] ?? "").split("$").pop();
  return {
    urn: `urn:pulumi:dev::causeway::${parentType}$${type}::${name}`,
    type,
    name,
    parent,
    ...DEFAULT_RESOURCE_OPTIONS,
    inputs,
    ...extra,
  };
}

export function plan(resources: PlannedResource[], stack = "dev"): Plan {
  const stackResource: PlannedResource = {
    ...res("pulumi:pulumi:Stack", `causeway-${stack}`),
    urn: STACK_URN,
    parent: null,
    custom: false,
  };
  return {
    project: "causeway",
    stack,
    resources: [stackResource, ...resources].sort((a, b) =>
      a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0,
    ),
    outputs: {},
  };
}
