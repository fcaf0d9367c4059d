import * as pulumi from "@pulumi/pulumi";

/**
 * Thrown by every component before it creates anything, when its arguments break a rule: one
 * line per problem, each naming the argument, what is wrong and what would be valid. A
 * `pulumi.ResourceError`, so the Pulumi CLI names the component's URN and hides the stack trace
 * (the message says all there is to say), as pulumi-eks does for its argument errors.
 */
export class ComponentArgsError extends pulumi.ResourceError {
  /** Every problem found, in the order the component checks them. */
  readonly problems: readonly string[];

  /**
   * @param type The component's class name, e.g. `Database`.
   * @param name The component's resource name.
   * @param problems What is wrong, one entry each (at least one).
   * @param resource The component, once constructed (it names the URN in the CLI's message).
   */
  constructor(type: string, name: string, problems: readonly string[], resource?: pulumi.Resource) {
    super(
      `${type} "${name}": ${problems.length} invalid argument${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
      resource,
      true,
    );
    this.name = "ComponentArgsError";
    this.problems = problems;
  }
}
