import * as pulumi from "@pulumi/pulumi";
import { ComponentArgsError } from "./errors";

/**
 * Id args (subnet ids, an OIDC provider ARN) are `pulumi.Input`s, so a network or cluster made
 * in the same program can be passed in. A component checks them at once when they are plain
 * values (with every other argument, before anything is created), and otherwise when their
 * values arrive: inside `apply`, where a `ComponentArgsError` rejects the Output, fails the
 * registration of every resource that takes it, and so fails the preview or update with the
 * same message. A value still unknown in a preview (an id AWS has not assigned yet) is checked
 * by the update that learns it.
 */

/** The strings of `input` if it holds plain values only (no Output or Promise), else undefined. */
export function plainStrings(
  input: pulumi.Input<readonly pulumi.Input<string>[]>,
): readonly string[] | undefined {
  if (!Array.isArray(input)) return undefined;
  return input.every((v) => typeof v === "string") ? (input as readonly string[]) : undefined;
}

/** `input` itself if it is a plain string, else undefined. */
export function plainString(input: pulumi.Input<string>): string | undefined {
  return typeof input === "string" ? input : undefined;
}

/**
 * `input` as an Output whose value is checked once known: `check` returns the problems (in the
 * component's usual `<arg>: <what is wrong>` form), and any problem rejects the Output with the
 * component's `ComponentArgsError`. Plain values are checked synchronously by the component, so
 * this only adds the deferred check for Outputs.
 */
export function checkedWhenKnown<T>(
  input: pulumi.Input<T>,
  check: (value: T) => readonly string[],
  component: { readonly type: string; readonly name: string; readonly resource: pulumi.Resource },
): pulumi.Output<T> {
  return pulumi.output(input).apply((value) => {
    const problems = check(value as T);
    if (problems.length > 0) {
      throw new ComponentArgsError(component.type, component.name, problems, component.resource);
    }
    return value as T;
  }) as pulumi.Output<T>;
}
