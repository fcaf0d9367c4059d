import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { parse } from "yaml";
import { planProgram } from "@causeway/plan";
import * as causeway from "@causeway/components";
import type { StorageReclaimPolicy } from "./components";
import {
  BrokerDeploymentMode,
  COMPONENTS,
  EXCLUDED,
  NatGatewayMode,
  NOT_SERVED,
  WeekDay,
} from "./components";

/**
 * The package schema other languages get from the component provider, generated offline and
 * in-process by the same code the provider host runs for `pulumi package add` (the SDK's
 * ComponentProvider.getSchema, which runs its TypeScript analyser on this folder). Checked
 * against the generated README of @causeway/components: every component, arg and output is in
 * the schema with its docs and type, or listed in components.ts with the reason it is not.
 */

const here = __dirname;
const readme = readFileSync(path.join(here, "..", "README.md"), "utf8");

interface Property {
  readonly type?: string;
  readonly $ref?: string;
  readonly description?: string;
  readonly items?: Property;
  readonly additionalProperties?: Property;
}
interface Resource {
  readonly isComponent?: boolean;
  readonly description?: string;
  readonly inputProperties: Record<string, Property>;
  readonly requiredInputs?: string[];
  readonly properties: Record<string, Property>;
  readonly required?: string[];
}
interface Schema {
  readonly name: string;
  readonly resources: Record<string, Resource>;
  readonly types?: Record<string, { readonly properties?: Record<string, Property> }>;
}

/** The rows `| \`name\` | ...` of a README section's table, by heading. */
function readmeNames(component: string, table: "Arguments" | "Outputs"): string[] {
  const section = readme.split(/\n## /).find((s) => s.startsWith(`${component}\n`));
  if (!section) throw new Error(`README.md has no section ## ${component}`);
  const part = section.split(/\n### /).find((s) => s.startsWith(table));
  if (!part) throw new Error(`README.md ## ${component} has no ### ${table}`);
  return [...part.matchAll(/^\| `([A-Za-z0-9_]+\??)` +\|/gm)].map((m) => m[1]!);
}

/** The README's description of each arg of a component (the last column of its table). */
function readmeDocs(component: string): Map<string, string> {
  const section = readme.split(/\n## /).find((s) => s.startsWith(`${component}\n`))!;
  const part = section.split(/\n### /).find((s) => s.startsWith("Arguments"))!;
  return new Map(
    [...part.matchAll(/^\| `(\w+)\??` +\| .*? +\| (.*?) +\|$/gm)].map((m) => [
      m[1]!,
      m[2]!.replaceAll("\\|", "|"),
    ]),
  );
}

const normalize = (text: string | undefined) => text?.replace(/\s+/g, " ").trim();

function readmeComponents(): string[] {
  return [...readme.matchAll(/^\| \[([A-Za-z]+)\]\(#/gm)].map((m) => m[1]!);
}

let schema: Schema;
let provider: ComponentProvider;

beforeAll(async () => {
  // The provider resolves @causeway/components as an installed package does: its dist/ types.
  const tsc = spawnSync(
    process.execPath,
    [require.resolve("typescript/bin/tsc"), "-p", path.join(here, "..", "tsconfig.build.json")],
    { encoding: "utf8", timeout: 300_000 },
  );
  if (tsc.status !== 0) throw new Error(`building @causeway/components failed:\n${tsc.stdout}`);
  provider = new ComponentProvider({
    name: "causeway",
    dirname: here,
    components: [...COMPONENTS],
  });
  schema = JSON.parse(await provider.getSchema()) as Schema;
}, 600_000);

describe("the component provider's schema (PulumiPlugin.yaml)", () => {
  it("serves or names every component of the package", () => {
    const served = COMPONENTS.map((c) => c.name);
    expect(schema.name).toBe("causeway");
    expect(Object.keys(schema.resources).sort()).toEqual(
      served.map((n) => `causeway:index:${n}`).sort(),
    );
    expect([...served, ...Object.keys(NOT_SERVED)].sort()).toEqual(readmeComponents().sort());
  });

  it.each(COMPONENTS.map((c) => c.name))(
    "%s: every arg and output with its docs and type, or excluded with a reason",
    (name) => {
      const resource = schema.resources[`causeway:index:${name}`]!;
      const excluded = EXCLUDED[name]!;
      expect(resource.isComponent).toBe(true);
      expect(resource.description?.length).toBeGreaterThan(20);

      const args = readmeNames(name, "Arguments");
      const argNames = args.map((a) => a.replace(/\?$/, ""));
      for (const e of Object.keys(excluded.args)) expect(argNames).toContain(e);
      const expectedArgs = argNames.filter((a) => !(a in excluded.args));
      expect(Object.keys(resource.inputProperties).sort()).toEqual(expectedArgs.sort());
      expect([...(resource.requiredInputs ?? [])].sort()).toEqual(
        args.filter((a) => !a.endsWith("?") && !(a in excluded.args)).sort(),
      );

      const outputs = readmeNames(name, "Outputs").map((o) => o.replace(/\?$/, ""));
      for (const e of Object.keys(excluded.outputs)) expect(outputs).toContain(e);
      expect(Object.keys(resource.properties).sort()).toEqual(
        outputs.filter((o) => !(o in excluded.outputs)).sort(),
      );

      for (const [key, p] of [
        ...Object.entries(resource.inputProperties),
        ...Object.entries(resource.properties),
      ]) {
        expect(p.description, `${name}.${key} has docs`).toMatch(/\S/);
        expect(p.type ?? p.$ref, `${name}.${key} has a type`).toMatch(/\S/);
      }
    },
  );

  it("documents each arg as the component reference does (the declarations' copies stay true)", () => {
    for (const c of COMPONENTS) {
      const docs = readmeDocs(c.name);
      const resource = schema.resources[`causeway:index:${c.name}`]!;
      for (const [key, p] of Object.entries(resource.inputProperties)) {
        // The reference spells out named defaults ("Default `X.y` (3)"); the code says `X.y`.
        const reference = normalize(docs.get(key))!.replace(/(`[A-Z_]+\.\w+`) \([^)]*\)/g, "$1");
        expect(
          normalize(p.description)!.replace(/(`[A-Z_]+\.\w+`) \([^)]*\)/g, "$1"),
          `${c.name}.${key}`,
        ).toBe(reference);
      }
    }
  });

  it("restates the components' enums exactly", () => {
    expect(BrokerDeploymentMode).toEqual(causeway.BrokerDeploymentMode);
    expect(WeekDay).toEqual(causeway.WeekDay);
    expect(NatGatewayMode).toEqual(causeway.NatGatewayMode);
    // Cluster's is an inline union in TypeScript: the restated enum has exactly its members
    // (checked by the type checker, npm run typecheck), and the schema lists them.
    expectTypeOf<StorageReclaimPolicy>().toEqualTypeOf<
      NonNullable<causeway.ClusterArgs["storageReclaimPolicy"]>
    >();
    expect(schema.types?.["causeway:index:StorageReclaimPolicy"]).toMatchObject({
      type: "string",
      enum: ["Delete", "Retain"].map((value) => expect.objectContaining({ value })),
    });
    expect(schema.types?.["causeway:index:NatGatewayMode"]).toMatchObject({
      type: "string",
      enum: Object.values(causeway.NatGatewayMode).map((value) =>
        expect.objectContaining({ value }),
      ),
    });
    expect(schema.types?.["causeway:index:BrokerDeploymentMode"]).toMatchObject({
      type: "string",
      enum: Object.values(causeway.BrokerDeploymentMode).map((value) =>
        expect.objectContaining({ value }),
      ),
    });
  });

  it("keeps the TypeScript types of the args it serves", () => {
    const db = schema.resources["causeway:index:Database"]!;
    expect(db.inputProperties["subnetIds"]).toMatchObject({
      type: "array",
      items: { type: "string" },
    });
    expect(db.inputProperties["clientSecurityGroupIds"]).toMatchObject({
      type: "object",
      additionalProperties: { type: "string" },
    });
    expect(db.inputProperties["multiAz"]).toMatchObject({ type: "boolean" });
    expect(db.properties["connectionUrl"]).toMatchObject({ type: "string" });
    const consul = schema.resources["causeway:index:ConsulCluster"]!;
    expect(consul.properties["release"]?.$ref).toMatch(/^\/kubernetes\/v[\d.]+\/schema\.json#/);
  });
});

/** Args each served component is constructed with: plain values, as the engine sends them. */
const CONSTRUCT_ARGS: Readonly<Record<string, Record<string, unknown>>> = {
  ConsulCluster: { chartVersion: "1.9.11", consulVersion: "1.22.7", servers: 3 },
  Database: {
    identifier: "shop-db",
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
    clientSecurityGroupIds: { nodes: "sg-0bbbbbbbbbbbbbbb1" },
  },
  Cache: {
    replicationGroupId: "shop-cache",
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
    clientSecurityGroupIds: { nodes: "sg-0bbbbbbbbbbbbbbb1" },
  },
  Network: { availabilityZones: ["eu-west-1a", "eu-west-1b"], natGateways: "single" },
  Cluster: {
    vpcId: "vpc-0123456789abcdef0",
    privateSubnetIds: {
      "eu-west-1a": "subnet-0aaaaaaaaaaaaaaa1",
      "eu-west-1b": "subnet-0aaaaaaaaaaaaaaa2",
    },
    adminPrincipalArns: ["arn:aws:iam::111122223333:role/admin"],
    storageReclaimPolicy: "Retain",
  },
  MessageBroker: {
    brokerName: "shop-events",
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
    clientSecurityGroupIds: { nodes: "sg-0bbbbbbbbbbbbbbb1" },
  },
};

describe("the component provider's construct path (the SDK's mock runtime)", () => {
  it("has construct args for every served component", () => {
    expect(Object.keys(CONSTRUCT_ARGS).sort()).toEqual(COMPONENTS.map((c) => c.name).sort());
  });

  it.each(COMPONENTS.map((c) => [c.name, c] as const))(
    "%s: the served token is the one the class registers, and other languages get TypeScript's URNs",
    async (name, Component) => {
      const token = `causeway:index:${name}`;
      expect(schema.resources).toHaveProperty([token]);
      const inputs = CONSTRUCT_ARGS[name]!;
      // What `type: causeway:index:<name>` in a YAML program runs: ComponentProvider.construct.
      let state: Record<string, unknown> = {};
      const served = await planProgram(async () => {
        const r = await provider.construct(name, token, structuredClone(inputs), {});
        state = r.state as Record<string, unknown>;
      });
      // The same component from TypeScript.
      const direct = await planProgram(async () => {
        new Component(name, structuredClone(inputs), {});
      });
      const component = served.resources.filter((r) => r.type.startsWith("causeway:"));
      expect(component.map((r) => r.type)).toEqual([token]);
      expect(served.resources.map((r) => r.urn).sort()).toEqual(
        direct.resources.map((r) => r.urn).sort(),
      );
      // Its outputs are the schema's.
      expect(Object.keys(state).sort()).toEqual(
        Object.keys(schema.resources[token]!.properties).sort(),
      );
    },
  );
});

describe("examples/yaml, the YAML program that uses the provider", () => {
  it("uses only components, args and outputs the schema has, with every required arg", () => {
    const file = path.join(here, "..", "..", "..", "examples", "yaml", "Pulumi.yaml");
    const program = parse(readFileSync(file, "utf8")) as {
      packages: Record<string, string>;
      resources: Record<string, { type: string; properties: Record<string, unknown> }>;
      outputs: Record<string, string>;
    };
    expect(path.resolve(path.dirname(file), program.packages["causeway"]!)).toBe(here);
    const used = Object.entries(program.resources);
    expect(used.length).toBeGreaterThan(0);
    for (const [name, r] of used) {
      const resource = schema.resources[r.type];
      expect(resource, `${name}: ${r.type} is in the schema`).toBeDefined();
      for (const key of Object.keys(r.properties)) {
        expect(resource!.inputProperties, `${name}.${key}`).toHaveProperty([key]);
      }
      for (const key of resource!.requiredInputs ?? []) {
        expect(r.properties, `${name} sets required ${key}`).toHaveProperty([key]);
      }
    }
    for (const ref of Object.values(program.outputs)) {
      const [, resourceName, output] = /^\$\{(\w+)\.(\w+)\}$/.exec(ref)!;
      const type = program.resources[resourceName!]!.type;
      expect(schema.resources[type]!.properties).toHaveProperty([output!]);
    }
  });
});
