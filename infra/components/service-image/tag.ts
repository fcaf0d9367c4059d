import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** Directories never part of a build's inputs. */
const SKIP = new Set(["node_modules", "dist", "coverage", ".git", ".turbo"]);

/**
 * An immutable tag derived from the contents of the build's inputs: `src-<12 hex digits>`.
 * The same sources give the same tag (no rebuild, no push to an immutable tag twice); any
 * change gives a new one, which shows in the preview as a new image. Reads files only.
 */
export function contentTag(root: string, inputs: readonly string[]): string {
  const hash = createHash("sha256");
  for (const rel of [...new Set(inputs)].sort()) {
    for (const file of listFiles(root, rel)) {
      hash.update(`file:${file}\0`);
      hash.update(fs.readFileSync(path.join(root, file)));
      hash.update("\0");
    }
  }
  return `src-${hash.digest("hex").slice(0, 12)}`;
}

/** Files under `rel` (a file or a directory), relative to root, sorted; none if absent. */
function listFiles(root: string, rel: string): string[] {
  const abs = path.join(root, rel);
  if (!fs.existsSync(abs)) return [];
  if (fs.statSync(abs).isFile()) return [toPosix(rel)];
  const out: string[] = [];
  for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const child = path.join(rel, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(root, child));
    else if (entry.isFile()) out.push(toPosix(child));
  }
  return out.sort();
}

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}
