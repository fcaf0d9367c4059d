import * as aws from "../shared/aws";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { imageRefProblem } from "../node-service/args";
import { LifecycleDefaults, lifecyclePolicy, lifecycleProblems } from "./lifecycle";
import { ComponentArgsError } from "../shared/errors";
import { formerType } from "../shared/type-token";
import { isolateBuild } from "./isolate";
import { imageContentTag } from "./tag";
import { pullAccountProblems, pullPolicy } from "./pull-policy";

const DIGEST_REF = /^[^@\s]+@sha256:[0-9a-f]{64}$/;

/** Where ServiceImage builds from, unless its args say otherwise. */
export const ServiceImageDefaults = {
  /** The build context: the working directory, which `pulumi up` sets to the project's. */
  context: ".",
  /** The one Dockerfile of every Causeway service, relative to the context. */
  dockerfile: "services/Dockerfile",
  /** The nodes' architecture: Graviton (arm64) nodes. An image for another platform does not start. */
  platform: "linux/arm64",
} as const;

export interface ServiceImageBuild {
  /**
   * Immutable tag of this build (never `latest`). Default: the content tag of exactly what the
   * image is built from (`serviceImageTag`): the Dockerfile, the build args and the files its
   * COPY instructions take from the context.
   */
  readonly tag?: string;
  /** Build context. Default "." (the working directory: the Pulumi project's). */
  readonly context?: string;
  /** Dockerfile path, relative to the context. Default "services/Dockerfile". */
  readonly dockerfile?: string;
  /** Build args. Default `{ SERVICE: <component name>, VERSION: <tag> }`; given args are added. */
  readonly args?: Readonly<Record<string, string>>;
  /** Target platform: the nodes' architecture. Default "linux/arm64" (Graviton). */
  readonly platform?: string;
  /**
   * Give the image a build context of its own: its Dockerfile (the recipe, byte for byte) and a
   * Dockerfile-specific ignore file that admits only the files its COPY instructions take, under
   * `.causeway/images/` in the context. The provider's context digest then changes only when
   * those files do, so an unchanged image is neither rebuilt nor pushed. Default true.
   */
  readonly isolate?: boolean;
  /**
   * Where `context` is read from, when it is relative to another directory than the working one
   * (the offline plan runs from elsewhere; `pulumi up` runs from the project). Default: context.
   */
  readonly contextDir?: string;
}

export interface ServiceImageArgs {
  /**
   * An existing image pinned by digest (`<repo>@sha256:<64 hex>`): no repository, no build.
   * This is how staging and prod run what dev built. Default: build (see `build`).
   */
  readonly pinned?: pulumi.Input<string>;
  /** How to build, when not pinned. Required unless `pinned` is given. */
  readonly build?: ServiceImageBuild;
  /** ECR repository name. Default `causeway/<component name>`. */
  readonly repositoryName?: string;
  /** Lifecycle. Default: untagged images expire after 7 days; at most 100 images are kept. */
  readonly lifecycle?: { readonly untaggedExpiryDays?: number; readonly maxImages?: number };
  /** KMS key for encryption at rest. Default: AES256 with the ECR-managed key. */
  readonly kmsKeyArn?: pulumi.Input<string>;
  /** Delete the repository even if it holds images. Default false. */
  readonly forceDelete?: boolean;
  /**
   * AWS accounts that may pull from the repository (the staging and prod accounts that deploy
   * dev's digests): a repository policy grants them the three pull actions only. Default none
   * (no repository policy).
   */
  readonly pullAccountIds?: readonly string[];
}

/**
 * The content tag of service `name`'s image: `imageContentTag` of its build, with the build args
 * ServiceImage passes (`SERVICE`, then the build's own). `contextDir` is where the context is
 * read from, when the build's `context` is relative to another directory than the working one.
 */
export function serviceImageTag(
  name: string,
  build: Omit<ServiceImageBuild, "tag"> = {},
  contextDir: string = build.context ?? ServiceImageDefaults.context,
): string {
  return imageContentTag({
    context: contextDir,
    dockerfile: build.dockerfile ?? ServiceImageDefaults.dockerfile,
    args: { SERVICE: name, ...build.args },
    platform: build.platform ?? ServiceImageDefaults.platform,
  });
}

/**
 * A service's container image: an ECR repository (scan on push, immutable tags, lifecycle
 * policy) and a Docker build pushed to it; or an existing image pinned by digest.
 * `imageRef` is always pinned by digest.
 */
export class ServiceImage extends pulumi.ComponentResource {
  /** `<repository>@sha256:<digest>`, for NodeService. */
  readonly imageRef: pulumi.Output<string>;
  /** The ECR repository, when built; undefined when pinned. */
  readonly repository: aws.ecr.Repository | undefined;
  /** The Docker build pushed to the repository, when built; undefined when pinned. */
  readonly image: docker.Image | undefined;

  constructor(name: string, args: ServiceImageArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("causeway:index:ServiceImage", name, {}, formerType("causeway:ecr:ServiceImage", opts));
    const lifecycle = { ...LifecycleDefaults, ...args.lifecycle };
    const problems = [
      ...lifecycleProblems(lifecycle),
      ...pullAccountProblems(args.pullAccountIds ?? []),
    ];
    if (args.pinned === undefined && args.build === undefined) {
      problems.push("build: is required unless pinned is given");
    }
    if (args.pinned !== undefined && args.build !== undefined) {
      problems.push("pinned and build: give one, not both");
    }
    if (typeof args.pinned === "string" && !DIGEST_REF.test(args.pinned)) {
      problems.push(
        `pinned: must be an image pinned by digest, <repository>@sha256:<64 hex digits> (found "${args.pinned}")`,
      );
    }
    if (args.build?.tag !== undefined) {
      const problem = imageRefProblem(`repository:${args.build.tag}`);
      if (problem || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(args.build.tag)) {
        problems.push(
          `build.tag: must be an immutable Docker tag (1-128 letters, digits, '_', '.', '-'), not "latest" (found "${args.build.tag}")`,
        );
      }
    }
    if (problems.length > 0) {
      throw new ComponentArgsError("ServiceImage", name, problems, this);
    }

    if (args.pinned !== undefined) {
      this.repository = undefined;
      this.image = undefined;
      this.imageRef = pulumi.output(args.pinned);
      this.registerOutputs({ imageRef: this.imageRef });
      return;
    }

    const build = args.build!;
    const context = build.context ?? ServiceImageDefaults.context;
    const recipe = build.dockerfile ?? ServiceImageDefaults.dockerfile;
    const readFrom = build.contextDir ?? context;
    const tag = build.tag ?? serviceImageTag(name, build, readFrom);
    // The provider reads the Dockerfile relative to the working directory, like the context.
    const dockerfile = path.posix.join(
      context,
      (build.isolate ?? true)
        ? isolateBuild(name, {
            context: readFrom,
            dockerfile: recipe,
            args: { SERVICE: name, ...build.args },
          })
        : recipe,
    );
    const child: pulumi.CustomResourceOptions = { parent: this, dependsOn: opts.dependsOn };
    this.repository = new aws.ecr.Repository(
      name,
      {
        name: args.repositoryName ?? `causeway/${name}`,
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [
          args.kmsKeyArn === undefined
            ? { encryptionType: "AES256" }
            : { encryptionType: "KMS", kmsKey: args.kmsKeyArn },
        ],
        forceDelete: args.forceDelete ?? false,
      },
      child,
    );
    new aws.ecr.LifecyclePolicy(
      name,
      {
        repository: this.repository.name,
        policy: JSON.stringify(lifecyclePolicy(lifecycle)),
      },
      child,
    );

    if ((args.pullAccountIds ?? []).length > 0) {
      new aws.ecr.RepositoryPolicy(
        name,
        {
          repository: this.repository.name,
          policy: JSON.stringify(pullPolicy(args.pullAccountIds!)),
        },
        child,
      );
    }

    const auth = aws.ecr.getAuthorizationTokenOutput(
      { registryId: this.repository.registryId },
      child,
    );
    this.image = new docker.Image(
      name,
      {
        imageName: pulumi.interpolate`${this.repository.repositoryUrl}:${tag}`,
        build: {
          context,
          dockerfile,
          platform: build.platform ?? ServiceImageDefaults.platform,
          // VERSION also makes a new build visible in the preview, where the image name
          // (under a repository URL known only after apply) is not.
          args: { SERVICE: name, VERSION: tag, ...build.args },
        },
        registry: {
          server: this.repository.repositoryUrl,
          username: auth.userName,
          password: pulumi.secret(auth.password),
        },
      },
      child,
    );
    this.imageRef = this.image.repoDigest;
    this.registerOutputs({ imageRef: this.imageRef, repositoryUrl: this.repository.repositoryUrl });
  }
}
