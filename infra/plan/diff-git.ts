import { PlanError } from "@causeway/plan";
import { execFileSync } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

/** Git helpers for planning another revision in a temporary worktree. */

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync("git", args, {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
  } catch (e) {
    const stderr = String((e as { stderr?: unknown }).stderr ?? "").trim();
    throw new PlanError(`git ${args.join(" ")} failed: ${stderr || (e as Error).message}`);
  }
}

/** The top of the git working tree that contains `dir`. */
export function repoRoot(dir: string): string {
  return realpathSync(git(dir, ["rev-parse", "--show-toplevel"]));
}

/** The commit a ref names; a clear error when it names none. */
export function resolveCommit(root: string, ref: string): string {
  try {
    return execFileSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
  } catch {
    throw new PlanError(
      `--base ${ref}: not a commit in ${root}. Fetch it first (for example \`git fetch origin main\`) or pass a branch, tag or SHA.`,
    );
  }
}

export function headCommit(root: string): string {
  return git(root, ["rev-parse", "HEAD"]);
}

/** A detached worktree of `commit`, with dependencies linked; `remove()` deletes it. */
export interface Worktree {
  readonly dir: string;
  readonly commit: string;
  remove(): void;
}

/**
 * Checks `commit` out in a new temporary worktree and links the dependencies installed for
 * `root` into it (see {@link linkNodeModules}), so that it can be planned with its own code.
 */
export function addWorktree(root: string, commit: string): Worktree {
  const parent = mkdtempSync(path.join(tmpdir(), "causeway-base-"));
  const dir = path.join(parent, "tree");
  git(root, ["worktree", "add", "--detach", "--quiet", dir, commit]);
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    try {
      git(root, ["worktree", "remove", "--force", dir]);
    } catch {
      // Already gone (or never fully created): prune the bookkeeping below.
    }
    rmSync(parent, { recursive: true, force: true });
    try {
      git(root, ["worktree", "prune"]);
    } catch {
      // Nothing to prune.
    }
  };
  try {
    linkNodeModules(root, dir);
  } catch (e) {
    remove();
    throw e;
  }
  return { dir: realpathSync(dir), commit, remove };
}

/**
 * Makes `target/node_modules` a directory of links to what `source/node_modules` holds, except
 * that links to the source's own workspace packages (e.g. `@causeway/components ->
 * infra/components`) point at the same folder in `target`. A plain symlink of the whole
 * `node_modules` would not do: Node resolves workspace links to their real path, so the base
 * revision would run the working tree's components.
 */
export function linkNodeModules(source: string, target: string): void {
  const src = path.join(source, "node_modules");
  if (!existsSync(src)) {
    throw new PlanError(`${src} does not exist: run \`npm ci\` first`);
  }
  const sourceReal = realpathSync(source);
  const link = (from: string, to: string) => {
    let real: string;
    try {
      real = realpathSync(from);
    } catch {
      return; // a dangling link in the source: nothing to link
    }
    const inside = path.relative(sourceReal, real);
    const workspace =
      !inside.startsWith("..") &&
      !path.isAbsolute(inside) &&
      !inside.split(path.sep).includes("node_modules");
    symlinkSync(workspace ? path.join(target, inside) : real, to);
  };
  const dst = path.join(target, "node_modules");
  mkdirSync(dst, { recursive: true });
  for (const entry of readdirSync(src)) {
    const from = path.join(src, entry);
    if (entry.startsWith("@") && lstatSync(from).isDirectory()) {
      mkdirSync(path.join(dst, entry), { recursive: true });
      for (const pkg of readdirSync(from)) link(path.join(from, pkg), path.join(dst, entry, pkg));
    } else if (!entry.startsWith(".") || entry === ".bin") {
      link(from, path.join(dst, entry));
    }
  }
}
