import * as fs from "node:fs";
import * as path from "node:path";
import * as components from "@causeway/components";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { planProgram } from "../plan/harness";
import {
  COMPONENT_FOLDERS,
  COMPONENTS_DIR,
  COMPONENTS_README,
  componentsReadme,
  readComponentDoc,
  resolveDefaults,
} from "./docs";

const NOT_COMPONENTS = new Set(["shared", "provider", "node_modules", "dist"]);

describe("infra/components/README.md is true to the code (regenerate with `npm run docs`)", () => {
  it("is what the generator makes of the sources today", async () => {
    expect(fs.readFileSync(COMPONENTS_README, "utf8")).toBe(await componentsReadme());
  });

  it("documents every component folder, and only those", () => {
    const folders = fs
      .readdirSync(COMPONENTS_DIR, { withFileTypes: true })
      // Not components: the shared contract, the component provider that serves them to other
      // languages, and what installs and builds leave behind.
      .filter((d) => d.isDirectory() && !NOT_COMPONENTS.has(d.name))
      .map((d) => d.name)
      .sort();
    expect([...COMPONENT_FOLDERS].sort()).toEqual(folders);
  });

  it("documents every exported ComponentResource, and each documented class is exported", () => {
    const exported = Object.entries(components)
      .filter(([, v]) => typeof v === "function" && v.prototype instanceof pulumi.ComponentResource)
      .map(([k]) => k)
      .sort();
    const documented = COMPONENT_FOLDERS.map((f) => readComponentDoc(f).className);
    // AccessLogBucket is a part of PublicLoadBalancer, exported for programs that want one alone.
    expect(exported).toEqual([...documented, "AccessLogBucket"].sort());
  });

  it("states a default or that it is required for every argument, and documents every output", () => {
    const missing = COMPONENT_FOLDERS.flatMap((f) => {
      const doc = readComponentDoc(f);
      return [
        ...doc.args
          .filter((a) => a.optional && !/\b(default|required)\b/i.test(a.doc))
          .map((a) => `${doc.argsName}.${a.name}: no default stated`),
        ...doc.args.filter((a) => a.doc === "").map((a) => `${doc.argsName}.${a.name}: no doc`),
        ...(doc.purpose === "" ? [`${doc.className}: no class doc`] : []),
      ];
    });
    expect(missing).toEqual([]);
  });

  it.each(COMPONENT_FOLDERS)("%s: the README example plans", async (folder) => {
    const { example } = (await import(path.join(COMPONENTS_DIR, folder, "example.ts"))) as {
      example: () => Record<string, unknown>;
    };
    const plan = await planProgram(async () => example());
    const doc = readComponentDoc(folder);
    expect(plan.resources.some((r) => r.type === doc.typeToken)).toBe(true);
  });
});

describe("defaults named in prose", () => {
  it("show the value read from the object that holds them, once", () => {
    const exports = { DEFAULTS: { a: "17", nested: { b: true } }, OTHER: 1 };
    expect(resolveDefaults("Default `DEFAULTS.a`.", exports)).toBe('Default `DEFAULTS.a` ("17").');
    expect(resolveDefaults("Default `DEFAULTS.nested.b`.", exports)).toBe(
      "Default `DEFAULTS.nested.b` (true).",
    );
    // Not an exported object's key: left as written.
    expect(resolveDefaults("See `DEFAULTS.missing` and `Ports.http`.", exports)).toBe(
      "See `DEFAULTS.missing` and `Ports.http`.",
    );
  });
});
