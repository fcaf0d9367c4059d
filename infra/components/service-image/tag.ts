import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { dockerBuildInputs, type DockerBuildSpec } from "./build-inputs";

/**
 * An immutable tag derived from exactly what the image is built from: `src-<12 hex digits>` of
 * the Dockerfile, the build args, the platform, and every build-context file its COPY and ADD instructions
 * take (after `.dockerignore`; see `dockerBuildInputs`). The same inputs give the same tag (no
 * rebuild, no second push to an immutable tag); any change to them gives a new one, which shows
 * in the preview as a new image. A file no COPY takes never changes the tag. Reads files only.
 */
export function imageContentTag(build: DockerBuildSpec): string {
  const context = path.resolve(build.context);
  const hash = createHash("sha256");
  hash.update(`dockerfile:${build.dockerfile}\0`);
  hash.update(fs.readFileSync(path.join(context, build.dockerfile)));
  const args = Object.entries(build.args ?? {}).sort(([a], [b]) => a.localeCompare(b));
  hash.update(`\0args:${JSON.stringify(args)}\0platform:${build.platform ?? ""}\0`);
  for (const file of dockerBuildInputs(build)) {
    hash.update(`file:${file}\0`);
    hash.update(fs.readFileSync(path.join(context, file)));
    hash.update("\0");
  }
  return `src-${hash.digest("hex").slice(0, 12)}`;
}
