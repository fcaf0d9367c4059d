import * as causeway from "@causeway/components";
import type * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";

/**
 * ServiceImage as other languages construct it (named ServiceImage for the reasons given in
 * ./node-service-adapter.ts). A build reads its context and Dockerfile from paths, which the
 * TypeScript component resolves against the working directory: a program's is its project
 * folder, but the provider runs in its own process, started by the CLI, and nothing in the
 * request tells it the program's folder: the ConstructRequest carries project, stack, config,
 * inputs and resource options but no directory (proto/provider_pb.js, @pulumi/pulumi 3.248),
 * and `pulumi.runtime.getRootDirectory()` reads PULUMI_NODEJS_ROOT_DIRECTORY, which the
 * provider host's `configureRuntime` (provider/server.js) does not set. So a build's context
 * must be absolute here, and a relative one is refused with the fix rather than resolved
 * against the wrong folder. Otherwise this is the package's ServiceImage: same resources,
 * checks and URNs.
 */
export class ServiceImage extends causeway.ServiceImage {
  constructor(
    name: string,
    args: causeway.ServiceImageArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(name, serviceImageArgs(name, args), opts);
  }
}

/** The TypeScript args for the schema's, or a ComponentArgsError naming each relative path. */
/**
 * Takes the package's ServiceImageArgs, which the schema's (components.ts) fit, as
 * provider.test.ts checks at compile time; components.ts imports this file, so this one does
 * not import it back.
 */
export function serviceImageArgs(
  name: string,
  args: causeway.ServiceImageArgs,
): causeway.ServiceImageArgs {
  const build = args.build;
  if (build === undefined) return args;
  const problems: string[] = [];
  const context = build.context as string | undefined;
  if (context === undefined || !path.isAbsolute(context)) {
    problems.push(
      `build.context: must be an absolute path (found ${context === undefined ? "none" : `"${context}"`}): the component provider runs in its own folder, not your program's; give your project's folder, e.g. \${pulumi.cwd} in YAML, os.getcwd() in Python, os.Getwd() in Go`,
    );
  }
  if (build.dockerfile !== undefined && path.isAbsolute(build.dockerfile)) {
    problems.push(
      `build.dockerfile: must be relative to build.context (found "${build.dockerfile}")`,
    );
  }
  const extra = build as { contextDir?: unknown };
  if (extra.contextDir !== undefined) {
    problems.push(
      "build.contextDir: not an argument here: build.context is absolute and read as it is",
    );
  }
  if (problems.length > 0) throw new causeway.ComponentArgsError("ServiceImage", name, problems);
  return args;
}
