#!/usr/bin/env node
// node infra/plan/run.mjs <entry.ts> [args...]: runs a TypeScript entry of this repository (the
// offline plan's CLI for `npm start` and `npm run plan`, the plan bench's child) as one cached
// JavaScript bundle (see bundle.mjs) instead of through tsx, with V8's compile cache on. Same
// program, same output; the start-up is what changes (issue 20, bench (d)).
import { createRequire, enableCompileCache } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundledEntry } from "./bundle.mjs";
import { deferSdkClosureModules } from "./lazy-sdk.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const entry = process.argv[2];
if (!entry || !/\.[cm]?ts$/.test(entry)) {
  process.stderr.write("usage: node infra/plan/run.mjs <entry.ts> [args...]\n");
  process.exit(2);
}
const cacheDir = path.join(root, "node_modules", ".cache", "causeway-plan");
let bundle;
try {
  bundle = await bundledEntry(path.relative(root, path.resolve(entry)), { root, cacheDir });
} catch (e) {
  process.stderr.write(
    `error: could not build ${entry} (${e?.message ?? e}); run npm ci if esbuild is missing\n`,
  );
  process.exit(1);
}
// Compiled code of the SDK and providers is kept between runs (Node's compile cache).
enableCompileCache(path.join(cacheDir, "v8"));
deferSdkClosureModules(root);
// Stack traces that the plan asks for (CAUSEWAY_PLAN_STACK_TRACES=1) point at the sources.
if (process.env.CAUSEWAY_PLAN_STACK_TRACES === "1") process.setSourceMapsEnabled(true);
// The entry reads its arguments from process.argv.slice(2), as when tsx runs it.
process.argv.splice(1, 2, bundle);
createRequire(import.meta.url)(bundle);
