import * as fs from "node:fs";
import * as path from "node:path";
import dockerignore from "@balena/dockerignore";
import picomatch from "picomatch";
import { parseDockerfile, type Instruction } from "./dockerfile";

/** A Docker build, as ServiceImage runs it. */
export interface DockerBuildSpec {
  /** The build context directory. */
  readonly context: string;
  /** The Dockerfile, relative to the context. */
  readonly dockerfile: string;
  /** Build args that COPY sources may use (e.g. `SERVICE`). */
  readonly args?: Readonly<Record<string, string>>;
  /** Target platform, e.g. `linux/amd64`: another platform is another image. */
  readonly platform?: string;
}

/** One source that a COPY or ADD takes from the build context, build args substituted. */
export interface ContextSource {
  /** Path or pattern relative to the context root, e.g. `services/orders/`, `**\/package.json`. */
  readonly source: string;
  /** The Dockerfile line of its instruction. */
  readonly line: number;
}

/** The build context's folders that are never walked: `.git`, and node_modules when ignored. */
const NEVER_WALKED = new Set([".git"]);

/**
 * The sources every COPY and ADD instruction takes from the build context, in Dockerfile order.
 * Not from the context: `COPY --from=<stage>`, ADD of a URL or git repository, and heredocs;
 * these are part of the Dockerfile's own text, which the content tag hashes too.
 * Variables are substituted as BuildKit does (`$NAME`, `${NAME}`, `${NAME:-word}`,
 * `${NAME:+word}`): an ENV of the stage wins over a build arg, which comes from `args` or the
 * ARG's default. A source naming a variable with no value is an error, since the build would
 * copy the wrong folder.
 */
export function contextSources(
  dockerfileText: string,
  args: Readonly<Record<string, string>> = {},
  dockerfileName = "Dockerfile",
): ContextSource[] {
  const { globalArgs, stages } = parseDockerfile(dockerfileText);
  const globalDefaults = argDefaults(globalArgs, args, {});
  const out: ContextSource[] = [];
  for (const stage of stages) {
    let scope: Record<string, string | undefined> = {};
    for (const ins of stage.instructions) {
      if (ins.keyword === "ARG") scope = { ...scope, ...argDefaults([ins], args, globalDefaults) };
      if (ins.keyword === "ENV") scope = { ...scope, ...envValues(ins, scope, dockerfileName) };
      if (ins.keyword !== "COPY" && ins.keyword !== "ADD") continue;
      const words = instructionWords(ins);
      if (words.some((w) => w.startsWith("--from="))) continue;
      const sources = words.filter((w) => !w.startsWith("--")).slice(0, -1);
      for (const raw of sources) {
        // Heredocs and remote sources (URLs, git repositories) are the Dockerfile's own text.
        if (raw.startsWith("<<") || /^([a-z][a-z0-9+.-]*:\/\/|git@)/i.test(raw)) continue;
        out.push({ source: substitute(raw, scope, ins, dockerfileName), line: ins.line });
      }
    }
  }
  return out;
}

/**
 * The files of the build context that the image is built from: every file that a COPY or ADD
 * names (see `contextSources`), as Docker sends the context (after `.dockerignore`), sorted,
 * relative to the context. Throws when a plain (non-wildcard) source matches nothing, as the
 * build would.
 */
export function dockerBuildInputs(build: DockerBuildSpec): string[] {
  const context = path.resolve(build.context);
  const dockerfileText = fs.readFileSync(path.join(context, build.dockerfile), "utf8");
  const sources = contextSources(dockerfileText, build.args, build.dockerfile);
  const files = contextFiles(context);
  const picked = new Set<string>();
  for (const { source, line } of sources) {
    const matches = files.filter(sourceMatcher(source));
    if (matches.length === 0 && !picomatch.scan(source).isGlob) {
      throw new Error(
        `${build.dockerfile} line ${line}: "${source}" is not in the build context ${context} (or .dockerignore excludes it); the build would fail`,
      );
    }
    for (const f of matches) picked.add(f);
  }
  return [...picked].sort();
}

/** Every file Docker would send as the build context: all files, less `.dockerignore`'s. */
export function contextFiles(context: string): string[] {
  return contextFilesExcept(context, ignorePatterns(path.join(context, ".dockerignore")));
}

/** The lines of an ignore file, or none when it does not exist. */
export function ignorePatterns(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").split(/\r?\n/) : [];
}

/** What a set of ignore patterns decides about a context path: a pure function, so kept. */
interface IgnoreDecisions {
  /** Whether `.dockerignore` excludes the path. */
  readonly ignores: (rel: string) => boolean;
  /** Whether an excluded folder must be walked anyway (an exception may bring a file back). */
  readonly mayHoldException: (dir: string) => boolean;
}

/**
 * Decisions by pattern set, each remembered by path. A plan asks the same question for the same
 * paths several times (each ServiceImage walks the one build context twice, for its content tag
 * and its isolated build), and matching a path against the patterns is most of a walk's time
 * (bench (d)). Only the answers for paths are kept, never the files found: a walk still reads
 * the folders as they are.
 */
const decisionsByPatterns = new Map<string, IgnoreDecisions>();

function ignoreDecisions(patterns: readonly string[]): IgnoreDecisions {
  const key = patterns.join("\n");
  const known = decisionsByPatterns.get(key);
  if (known) return known;
  const ig = dockerignore({ ignorecase: false }).add([...patterns]);
  // A folder that .dockerignore excludes is walked anyway when an exception (`!pattern`) could
  // bring a file under it back; otherwise (node_modules, say) it is skipped whole.
  const exceptionRoots = patterns
    .map((p) => p.trim())
    .filter((p) => p.startsWith("!"))
    .map((p) => picomatch.scan(p.slice(1).replace(/^\/+/, "")).base);
  // Unless a pattern after the last exception excludes the folder itself: a pattern that matches
  // a folder matches everything under it, and the last pattern that matches wins (Docker's
  // .dockerignore rules), so no exception can bring a file under it back.
  const lastException = patterns.findLastIndex((p) => p.trim().startsWith("!"));
  const tail = dockerignore({ ignorecase: false }).add(patterns.slice(lastException + 1));
  const remembered = (decide: (rel: string) => boolean) => {
    const answers = new Map<string, boolean>();
    return (rel: string) => {
      let answer = answers.get(rel);
      if (answer === undefined) answers.set(rel, (answer = decide(rel)));
      return answer;
    };
  };
  const decisions: IgnoreDecisions = {
    ignores: remembered((rel) => ig.ignores(rel)),
    mayHoldException: remembered(
      (dir) =>
        !tail.ignores(dir) &&
        exceptionRoots.some(
          (base) => base === "" || base.startsWith(`${dir}/`) || dir.startsWith(base),
        ),
    ),
  };
  decisionsByPatterns.set(key, decisions);
  return decisions;
}

/** Every file of `context` that the ignore `patterns` (dockerignore syntax) leave in. */
export function contextFilesExcept(context: string, patterns: readonly string[]): string[] {
  const { ignores, mayHoldException } = ignoreDecisions(patterns);
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(context, rel), { withFileTypes: true })) {
      const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (NEVER_WALKED.has(entry.name)) continue;
        if (ignores(child) && !mayHoldException(child)) continue;
        walk(child);
      } else if (entry.isFile() && !ignores(child)) {
        out.push(child);
      }
    }
  };
  walk("");
  return out.sort();
}

/** Whether a context file is taken by a COPY source (a file, a folder, or a wildcard). */
function sourceMatcher(source: string): (file: string) => boolean {
  const clean = source
    .replace(/^(\.\/)+/, "")
    .replace(/^\/+/, "")
    .replace(/\/+$/, "");
  if (clean === "" || clean === ".") return () => true;
  if (!picomatch.scan(clean).isGlob) {
    return (file) => file === clean || file.startsWith(`${clean}/`);
  }
  // A wildcard may match a folder, whose whole content is copied.
  const isMatch = picomatch(clean, { dot: true });
  return (file) => {
    const parts = file.split("/");
    return parts.some((_, i) => isMatch(parts.slice(0, i + 1).join("/")));
  };
}

/**
 * The args that ARG instructions declare, each from the build's args, else its own default, else
 * the global ARG's default (a global ARG is visible in a stage only once the stage declares it).
 */
function argDefaults(
  instructions: readonly Instruction[],
  given: Readonly<Record<string, string>>,
  globals: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const ins of instructions) {
    for (const decl of ins.args.split(/\s+/).filter(Boolean)) {
      const eq = decl.indexOf("=");
      const name = eq === -1 ? decl : decl.slice(0, eq);
      const fallback = eq === -1 ? globals[name] : unquote(decl.slice(eq + 1));
      out[name] = given[name] ?? fallback;
    }
  }
  return out;
}

function instructionWords(ins: Instruction): string[] {
  const text = ins.args.trim();
  const flags: string[] = [];
  let rest = text;
  for (let m = /^(--\S+)\s+/.exec(rest); m; m = /^(--\S+)\s+/.exec(rest)) {
    flags.push(m[1]!);
    rest = rest.slice(m[0].length);
  }
  if (rest.startsWith("[")) return [...flags, ...(JSON.parse(rest) as string[])];
  return [...flags, ...rest.split(/\s+/).filter(Boolean).map(unquote)];
}

function substitute(
  raw: string,
  scope: Readonly<Record<string, string | undefined>>,
  ins: Instruction,
  dockerfileName: string,
): string {
  return raw.replace(
    /\$\{(\w+)(?::([-+])([^}]*))?\}|\$(\w+)/g,
    (_, braced: string | undefined, op: string | undefined, word: string, bare: string) => {
      const name = braced ?? bare;
      const value = scope[name];
      const set = value !== undefined && value !== "";
      if (op === "-") return set ? value : word;
      if (op === "+") return set ? word : "";
      if (!set) {
        throw new Error(
          `${dockerfileName} line ${ins.line}: ${ins.keyword} source "${raw}" uses ${name}, which has no value; pass it in the build's args`,
        );
      }
      return value;
    },
  );
}

/** The variables an ENV instruction sets: `ENV A=1 B="x y"`, or the legacy `ENV A 1`. */
function envValues(
  ins: Instruction,
  scope: Readonly<Record<string, string | undefined>>,
  dockerfileName: string,
): Record<string, string> {
  const text = ins.args.trim();
  const legacy = /^(\w+)\s+(?!\S*=)(.*)$/.exec(text);
  if (legacy) return { [legacy[1]!]: substitute(legacy[2]!, scope, ins, dockerfileName) };
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/(\w+)=("([^"]*)"|'([^']*)'|(\S*))/g)) {
    out[m[1]!] = substitute(m[3] ?? m[4] ?? m[5] ?? "", scope, ins, dockerfileName);
  }
  return out;
}

function unquote(s: string): string {
  return /^(["']).*\1$/.test(s) ? s.slice(1, -1) : s;
}
