import * as fs from "node:fs";
import * as path from "node:path";
import { format } from "prettier";
import * as ts from "typescript";
import * as componentExports from "./index";

/**
 * Generates this package's README.md from the code: for each component, its purpose (the class's
 * JSDoc), type token, arguments (the Args interface: name, type, JSDoc with its default), outputs
 * (the class's public readonly fields) and example (its folder's `example.ts`, which the tests
 * typecheck and plan). `npm run docs` writes it; a test keeps it true.
 */

/** The component folders, in the order the README documents them. */
export const COMPONENT_FOLDERS = [
  "node-service",
  "service-image",
  "public-load-balancer",
  "load-balancer-controller",
  "consul-cluster",
  "service-mesh",
  "message-broker",
  "database",
  "cache",
  "network",
  "cluster",
  "observability",
] as const;

export const COMPONENTS_DIR = __dirname;
export const COMPONENTS_README = path.join(__dirname, "README.md");

export interface DocMember {
  readonly name: string;
  readonly type: string;
  readonly optional: boolean;
  readonly doc: string;
}

export interface ComponentDoc {
  readonly folder: string;
  readonly className: string;
  readonly typeToken: string;
  readonly purpose: string;
  readonly argsName: string;
  readonly args: readonly DocMember[];
  readonly outputs: readonly DocMember[];
  readonly example: string;
}

/**
 * A default named in prose as `<EXPORTED_OBJECT>.<key>` (e.g. `DATABASE_DEFAULTS.engineVersion`)
 * is written once, in that object; the README shows the name and the value read from it.
 */
export function resolveDefaults(text: string, exports: Readonly<Record<string, unknown>>): string {
  return text.replace(
    /`([A-Z][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_]+)+)`/g,
    (ref, root: string, keys: string) => {
      let value: unknown = exports[root];
      for (const key of keys.slice(1).split(".")) {
        if (typeof value !== "object" || value === null || !(key in value)) return ref;
        value = (value as Record<string, unknown>)[key];
      }
      return `${ref} (${JSON.stringify(value)})`;
    },
  );
}

/** Reads one component folder's docs from its sources. */
export function readComponentDoc(folder: string, dir = COMPONENTS_DIR): ComponentDoc {
  const files = fs
    .readdirSync(path.join(dir, folder))
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .map((f) => parse(path.join(dir, folder, f)));
  const main = files.find((f) => path.basename(f.fileName) === `${folder}.ts`);
  if (!main) throw new Error(`${folder}/: no ${folder}.ts`);
  const cls = main.statements.find(
    (s): s is ts.ClassDeclaration =>
      ts.isClassDeclaration(s) &&
      isExported(s) &&
      (s.heritageClauses ?? []).some((h) => h.getText(main).includes("ComponentResource")),
  );
  if (!cls?.name) throw new Error(`${folder}/${folder}.ts: no exported ComponentResource class`);
  const ctor = cls.members.find(ts.isConstructorDeclaration);
  const argsType = ctor?.parameters[1]?.type?.getText(main);
  if (!ctor || !argsType) throw new Error(`${cls.name.text}: no constructor(name, args, opts)`);
  const superCall = findSuperCall(ctor);
  const token = superCall?.arguments[0];
  if (!token || !ts.isStringLiteral(token)) throw new Error(`${cls.name.text}: no type token`);
  const argsDecl = files
    .flatMap((f) => f.statements.map((s) => ({ s, f })))
    .find(({ s }) => ts.isInterfaceDeclaration(s) && s.name.text === argsType);
  if (!argsDecl) throw new Error(`${cls.name.text}: interface ${argsType} not found in ${folder}/`);
  const args = (argsDecl.s as ts.InterfaceDeclaration).members
    .filter(ts.isPropertySignature)
    .map((m) => member(m, argsDecl.f));
  const outputs = cls.members
    .filter(ts.isPropertyDeclaration)
    .filter((m) => isReadonly(m) && !isPrivate(m))
    .map((m) => member(m, main));
  const examplePath = path.join(dir, folder, "example.ts");
  const example = fs.existsSync(examplePath) ? exampleBody(parse(examplePath)) : "";
  return {
    folder,
    className: cls.name.text,
    typeToken: token.text,
    purpose: jsDoc(cls),
    argsName: argsType,
    args,
    outputs,
    example,
  };
}

/** The README of `@causeway/components`, generated and formatted as the repository formats it. */
export async function componentsReadme(dir = COMPONENTS_DIR): Promise<string> {
  const text = resolveDefaults(renderComponentsReadme(dir), componentExports);
  return format(text, { parser: "markdown", printWidth: 100 });
}

function renderComponentsReadme(dir: string): string {
  const docs = COMPONENT_FOLDERS.map((f) => readComponentDoc(f, dir));
  const out: string[] = [
    "# @causeway/components",
    "",
    "<!-- Generated from the code by `npm run docs` (infra/components/docs.ts); a test keeps it true. -->",
    "",
    "Reusable Pulumi ComponentResources for Node.js services on EKS behind an AWS Application Load",
    "Balancer, with Consul, Amazon MQ for RabbitMQ and RDS for PostgreSQL. Each component is a",
    "`pulumi.ComponentResource` that reads no stack config: every setting is an argument, and every",
    "argument is checked before anything is created (a `ComponentArgsError` lists every problem).",
    "",
    "| Component | Type token | Folder |",
    "| --- | --- | --- |",
    ...docs.map(
      (d) =>
        `| [${d.className}](#${d.className.toLowerCase()}) | \`${d.typeToken}\` | \`${d.folder}/\` |`,
    ),
  ];
  for (const d of docs) {
    out.push("", `## ${d.className}`, "", d.purpose, "", `Type token \`${d.typeToken}\`.`);
    out.push(
      "",
      `### Arguments (\`${d.argsName}\`)`,
      "",
      "| Name | Type | Description |",
      "| --- | --- | --- |",
    );
    for (const a of d.args) out.push(row(a));
    out.push("", "### Outputs", "", "| Name | Type | Description |", "| --- | --- | --- |");
    for (const o of d.outputs) out.push(row(o));
    if (d.example) out.push("", "### Example", "", "```ts", d.example, "```");
  }
  return `${out.join("\n")}\n`;
}

function row(m: DocMember): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
  return `| \`${m.name}${m.optional ? "?" : ""}\` | \`${cell(m.type)}\` | ${cell(m.doc)} |`;
}

const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2023, true);
}

function member(m: ts.PropertySignature | ts.PropertyDeclaration, file: ts.SourceFile): DocMember {
  return {
    name: m.name.getText(file),
    type: m.type
      ? printer.printNode(ts.EmitHint.Unspecified, m.type, file).replace(/\s+/g, " ")
      : "unknown",
    optional: m.questionToken !== undefined,
    doc: jsDoc(m),
  };
}

/** The JSDoc text of a node, without the comment markers (empty when it has none). */
function jsDoc(node: ts.Node): string {
  const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? [];
  return docs
    .map((d) => ts.getTextOfJSDocComment(d.comment) ?? "")
    .join("\n")
    .replace(/\{@link ([^}]+)\}/g, "`$1`")
    .trim();
}

function isExported(s: ts.Node): boolean {
  return (ts.getCombinedModifierFlags(s as ts.Declaration) & ts.ModifierFlags.Export) !== 0;
}

function isReadonly(m: ts.PropertyDeclaration): boolean {
  return (ts.getCombinedModifierFlags(m) & ts.ModifierFlags.Readonly) !== 0;
}

function isPrivate(m: ts.PropertyDeclaration): boolean {
  const flags = ts.getCombinedModifierFlags(m);
  return (
    (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0 ||
    ts.isPrivateIdentifier(m.name)
  );
}

function findSuperCall(node: ts.Node): ts.CallExpression | undefined {
  let found: ts.CallExpression | undefined;
  const visit = (n: ts.Node) => {
    if (found) return;
    if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.SuperKeyword) found = n;
    else ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

/**
 * example.ts's `example()` as a program reads: its imports and body, dedented, with the returned
 * object's fields as stack outputs (`return { url: x }; // note` -> `export const url = x; // note`).
 */
function exampleBody(file: ts.SourceFile): string {
  const fn = file.statements.find(
    (s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === "example",
  );
  if (!fn?.body) throw new Error(`${file.fileName}: no function example()`);
  const imports = file.statements.filter(ts.isImportDeclaration).map((i) => i.getText(file));
  const body = fn.body.statements
    .map((s) => (ts.isReturnStatement(s) ? asOutputs(s, file) : s.getFullText(file)))
    .join("");
  const lines = body.replace(/^\n+/, "").trimEnd().split("\n");
  const indent = Math.min(
    ...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length),
  );
  return [...imports, "", ...lines.map((l) => l.slice(indent))].join("\n").trimEnd();
}

/** `return { a: x, b };` as `export const a = x;` lines, keeping the statement's comments. */
function asOutputs(ret: ts.ReturnStatement, file: ts.SourceFile): string {
  const leading = file.text.slice(ret.getFullStart(), ret.getStart(file));
  const trailing = (ts.getTrailingCommentRanges(file.text, ret.end) ?? [])
    .map((c) => ` ${file.text.slice(c.pos, c.end)}`)
    .join("");
  const fields =
    ret.expression && ts.isObjectLiteralExpression(ret.expression)
      ? ret.expression.properties
      : ts.factory.createNodeArray<ts.ObjectLiteralElementLike>();
  const outputs = fields.map((p) => {
    if (ts.isShorthandPropertyAssignment(p)) return `export const ${p.name.text} = ${p.name.text};`;
    if (ts.isPropertyAssignment(p)) {
      return `export const ${p.name.getText(file)} = ${p.initializer.getText(file)};`;
    }
    throw new Error(`${file.fileName}: example() returns a field that is not name: value`);
  });
  if (outputs.length === 0) return "";
  const indent = leading.slice(leading.lastIndexOf("\n") + 1);
  return `${leading}${outputs.join(`\n${indent}`)}${trailing}`;
}

if (require.main === module) {
  componentsReadme()
    .then((text) => {
      fs.writeFileSync(COMPONENTS_README, text);
      process.stdout.write("infra/components/README.md: component docs updated\n");
    })
    .catch((e: unknown) => {
      process.stderr.write(`error: ${(e as Error).message}\n`);
      process.exit(1);
    });
}
