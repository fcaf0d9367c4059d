import type { PlannedResource } from "../core/model";

/**
 * Resolves the aliases the SDK sent with a registration (a literal `{ urn }`, or a
 * `{ spec: { name, type, stack, project, parenturn | noparent } }` whose empty fields default
 * to the resource's own) to the URNs the resource may previously have had.
 */
export function aliasUrns(resource: PlannedResource): string[] {
  const { stack, project } = urnParts(resource.urn);
  const out: string[] = [];
  for (const alias of resource.aliases) {
    if (typeof alias === "string") {
      out.push(alias);
      continue;
    }
    if (typeof alias !== "object" || alias === null) continue;
    const a = alias as { urn?: unknown; spec?: Record<string, unknown> };
    if (typeof a.urn === "string" && a.urn !== "") {
      out.push(a.urn);
      continue;
    }
    const spec = a.spec;
    if (!spec) continue;
    const str = (k: string): string => (typeof spec[k] === "string" ? (spec[k] as string) : "");
    const parent = spec["noparent"] === true ? null : str("parenturn") || resource.parent;
    out.push(
      makeUrn(
        str("stack") || stack,
        str("project") || project,
        parent,
        str("type") || resource.type,
        str("name") || resource.name,
      ),
    );
  }
  return out;
}

/**
 * The URNs a resource may previously have had because its parent had them: the engine derives
 * a child's aliases from its parent's ("Aliases are inherited from a parent",
 * https://www.pulumi.com/docs/iac/concepts/options/aliases/), so a component that changes its
 * type under an alias moves its children with it, though they send no alias of their own.
 */
export function inheritedAliasUrns(
  resource: PlannedResource,
  parentAliasUrns: readonly string[],
): string[] {
  const { stack, project } = urnParts(resource.urn);
  return parentAliasUrns.map((p) => makeUrn(stack, project, p, resource.type, resource.name));
}

/**
 * `resource` with every mention of a moved URN (old -> new) rewritten: its parent, its
 * dependencies and the unknowns of its inputs ("known after apply: <urn>") name the resources
 * they come from, and a move under an alias is not a change of what they come from.
 */
export function withMovedUrns(
  resource: PlannedResource,
  moves: ReadonlyMap<string, string>,
): PlannedResource {
  if (moves.size === 0) return resource;
  const escape = (u: string) => u.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // Longest first, and only a whole URN: a sibling's name may start with another's.
  const olds = [...moves.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(`(?:${olds.map(escape).join("|")})(?=[,)\\s"]|$)`, "g");
  const text = JSON.stringify(resource).replace(pattern, (u) => moves.get(u) ?? u);
  return JSON.parse(text) as PlannedResource;
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * Builds a URN the way the SDK does: the parent's whole qualified type (its chain of ancestor
 * types), `$`, then the type; a grandchild's URN names its grandparent's type too.
 */
export function makeUrn(
  stack: string,
  project: string,
  parent: string | null,
  type: string,
  name: string,
): string {
  let qualified = type;
  if (parent) {
    // The engine leaves the root stack out of a descendant's chain (see normalizeUrn).
    const chain = parent.split("::")[2] ?? "";
    const parentChain = chain === STACK_TYPE ? chain : chain.replace(`${STACK_TYPE}$`, "");
    if (parentChain) qualified = `${parentChain}$${type}`;
  }
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/**
 * A URN with a leading `pulumi:pulumi:Stack$` removed from its type chain: the engine leaves the
 * root stack out of its children's URNs and the SDK's mock monitor puts it in, so a resource
 * aliased to "no parent" must match either form.
 */
export function normalizeUrn(urn: string): string {
  return urn.replace(/^(urn:pulumi:[^:]*::[^:]*::)pulumi:pulumi:Stack\$/, "$1");
}

function urnParts(urn: string): { stack: string; project: string } {
  const m = /^urn:pulumi:([^:]*)::([^:]*)::/.exec(urn);
  return { stack: m?.[1] ?? "", project: m?.[2] ?? "" };
}
