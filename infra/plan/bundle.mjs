// Builds a TypeScript entry of this repository into one plain JavaScript file with esbuild, and
// caches it under a key made of the content of every file that went into it. `run.mjs` runs the
// offline plan this way: no TypeScript loader at run time, and a cache that never runs a stale
// bundle (after a `git pull`, an edit or an `npm ci`, the key changes and the bundle is rebuilt).
//
// Plain JavaScript on purpose: this is what runs before anything can load TypeScript.
import { createHash } from "node:crypto";
import fs from "node:fs";
import { createRequire, isBuiltin } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const SELF = fileURLToPath(import.meta.url);
/** The package condition that points the workspace packages at their TypeScript sources. */
const SOURCE_CONDITION = "causeway-source";

function sha256(data) {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * The key of a bundle: the checkout's path, the Node version, this file (the build options), the
 * installed dependency tree
 * (node_modules/.package-lock.json, which npm rewrites on every install) and, for each input,
 * its path and content ("absent" for a file that does not exist: one that appears changes it).
 */
function cacheKey(root, inputs, known = new Map()) {
  const hash = createHash("sha256");
  // The bundle holds absolute paths (installed packages, __dirname): a moved checkout rebuilds.
  hash.update(`${root}\0${process.version}\0${fs.readFileSync(SELF)}\0`);
  const installed = path.join(root, "node_modules", ".package-lock.json");
  hash.update(fs.existsSync(installed) ? fs.readFileSync(installed) : "no install");
  for (const file of [...inputs].sort()) {
    let digest = known.get(file);
    if (digest === undefined) {
      const full = path.join(root, file);
      digest = fs.existsSync(full) ? sha256(fs.readFileSync(full)) : "absent";
    }
    hash.update(`\0${file}\0${digest}`);
  }
  return hash.digest("hex");
}

/**
 * The package.json and tsconfig.json files between an input's folder and the root, present or
 * not (one that appears can change how imports resolve).
 */
function resolutionFiles(root, inputs) {
  const out = new Set();
  for (const file of inputs) {
    for (let dir = path.dirname(path.join(root, file)); ; dir = path.dirname(dir)) {
      for (const name of ["package.json", "tsconfig.json"]) {
        out.add(path.relative(root, path.join(dir, name)));
      }
      if (dir === root || !dir.startsWith(root)) break;
    }
  }
  return [...out];
}

/**
 * esbuild options: the repository's own files are bundled (the workspace packages through their
 * `causeway-source` condition); every installed package stays a `require` of the exact file
 * Node would load from the importing source, so the SDK and providers load as they do under tsx.
 * `__dirname` and `__filename` keep meaning the source file's folder and path.
 */
function buildOptions(root, entry, outfile, loaded) {
  return {
    entryPoints: [path.join(root, entry)],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: `node${process.versions.node.split(".")[0]}`,
    conditions: [SOURCE_CONDITION],
    sourcemap: "linked",
    metafile: true,
    logLevel: "error",
    plugins: [
      {
        name: "causeway-installed-packages",
        setup(build) {
          build.onResolve({ filter: /^[^./]/ }, (args) => {
            if (isBuiltin(args.path)) return { path: args.path, external: true };
            if (args.path.startsWith("@causeway/")) return undefined;
            const from = createRequire(path.join(args.resolveDir, "noop.js"));
            return { path: from.resolve(args.path), external: true };
          });
          build.onLoad({ filter: /\.([cm]?[jt]s|json)$/ }, (args) => {
            if (args.path.split(path.sep).includes("node_modules")) return undefined;
            const ext = path.extname(args.path).slice(1);
            let contents = fs.readFileSync(args.path, "utf8");
            loaded.set(path.relative(root, args.path), sha256(contents));
            if (ext !== "json") {
              contents = contents
                .replace(
                  /(?<![\w$."'`])__dirname(?![\w$])/g,
                  JSON.stringify(path.dirname(args.path)),
                )
                .replace(/(?<![\w$."'`])__filename(?![\w$])/g, JSON.stringify(args.path));
            }
            const loader = ext === "json" ? "json" : ext.endsWith("ts") ? "ts" : "js";
            return { contents, loader };
          });
        },
      },
    ],
  };
}

function writeAtomic(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/**
 * The path of an up-to-date bundle of `entry` (relative to `root`), building it when the cache has
 * none for the current content of its inputs. `cacheDir` defaults to node_modules/.cache.
 */
export async function bundledEntry(
  entry,
  { root, cacheDir = path.join(root, "node_modules", ".cache", "causeway-plan") },
) {
  const slug = entry.replace(/\.[cm]?ts$/, "").replace(/[^\w.-]+/g, "_");
  const manifestFile = path.join(cacheDir, `${slug}.json`);
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8"));
  } catch {
    manifest = undefined;
  }
  if (manifest && Array.isArray(manifest.inputs)) {
    const bundle = path.join(cacheDir, `${slug}-${manifest.key}.cjs`);
    if (cacheKey(root, manifest.inputs) === manifest.key && fs.existsSync(bundle)) return bundle;
  }
  const { build } = await import("esbuild");
  fs.mkdirSync(cacheDir, { recursive: true });
  const staging = path.join(cacheDir, `${slug}.${process.pid}.build.cjs`);
  // What esbuild was given, by file: the key is of that content, so a file edited during the
  // build gives a key that no longer matches it.
  const loaded = new Map();
  const result = await build(buildOptions(root, entry, staging, loaded));
  const sources = Object.keys(result.metafile.inputs)
    .map((f) => path.relative(root, path.resolve(f)))
    .filter((f) => !f.split(path.sep).includes("node_modules"));
  const inputs = [...new Set([...sources, ...resolutionFiles(root, sources)])].sort();
  const key = cacheKey(root, inputs, loaded);
  const bundle = path.join(cacheDir, `${slug}-${key}.cjs`);
  const code = fs
    .readFileSync(staging, "utf8")
    .replace(
      `//# sourceMappingURL=${path.basename(staging)}.map`,
      `//# sourceMappingURL=${path.basename(bundle)}.map`,
    );
  fs.renameSync(`${staging}.map`, `${bundle}.map`);
  writeAtomic(bundle, code);
  fs.rmSync(staging, { force: true });
  // Older bundles of this entry go, once no process that just chose one can still be loading it.
  for (const old of fs.readdirSync(cacheDir)) {
    const file = path.join(cacheDir, old);
    if (!old.startsWith(`${slug}-`) || old.startsWith(path.basename(bundle))) continue;
    if (Date.now() - fs.statSync(file).mtimeMs > 60_000) fs.rmSync(file, { force: true });
  }
  writeAtomic(manifestFile, JSON.stringify({ entry, key, inputs }, null, 1));
  return bundle;
}
