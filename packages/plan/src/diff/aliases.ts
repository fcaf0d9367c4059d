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
