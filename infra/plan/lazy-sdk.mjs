// The Pulumi SDK (3.248) loads heavy modules at import time that a plan needs only when a program
// serializes a function (closure serialization, e.g. a Lambda callback): the TypeScript compiler
// (runtime/closure/parseFunction.js, through typescript-shim.js), @npmcli/arborist and
// normalize-package-data (runtime/closure/codePaths.js). Together they were about 0.8 of the
// SDK's import time on the bench machine (bench (d)).
// This puts a stand-in for each in Node's require cache, before the SDK loads, that loads the real
// module on first use: a program that serializes a closure gets the real modules, unchanged.
import fs from "node:fs";
import Module, { createRequire } from "node:module";
import path from "node:path";

/**
 * A module that loads `file` when first used. It says `__esModule` so that TypeScript's import
 * helpers (`__importStar`, `__importDefault`) keep it as it is instead of reading its keys, and
 * its `default` is the real module when that has none (what `__importDefault` would have made).
 */
function standIn(file) {
  let real;
  const load = () => {
    if (real === undefined) {
      delete Module._cache[file];
      real = createRequire(file)(file);
    }
    return real;
  };
  return new Proxy(
    {},
    {
      get: (_t, key) => {
        if (key === "__esModule") return true;
        const m = load();
        return key === "default" && !m?.__esModule ? m : Reflect.get(m, key);
      },
      has: (_t, key) => Reflect.has(load(), key),
    },
  );
}

/** Installs the stand-ins for the SDK that `fromDir` resolves; does nothing if its layout differs. */
export function deferSdkClosureModules(fromDir) {
  let sdkDir;
  try {
    sdkDir = path.dirname(createRequire(path.join(fromDir, "noop.js")).resolve("@pulumi/pulumi"));
  } catch {
    return;
  }
  const files = [path.join(sdkDir, "typescript-shim.js")];
  const fromCodePaths = createRequire(path.join(sdkDir, "runtime", "closure", "codePaths.js"));
  for (const name of ["@npmcli/arborist", "normalize-package-data"]) {
    try {
      files.push(fromCodePaths.resolve(name));
    } catch {
      // Not installed where the SDK looks: the SDK fails as it would without this.
    }
  }
  for (const file of files) {
    if (!fs.existsSync(file) || Module._cache[file]) continue;
    const m = new Module(file);
    m.filename = file;
    m.loaded = true;
    m.exports = standIn(file);
    Module._cache[file] = m;
  }
}
