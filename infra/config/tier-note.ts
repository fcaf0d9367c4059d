import { environments, type ByTier, type Environment } from "./environment";

/**
 * The tier defaults of one field, as the config reference states them: `Default 17` when every
 * tier agrees, else `Tier default: 20 dev, 50 staging, 100 prod`, tiers that share a value
 * grouped (`false dev and staging, true prod`). Read from the table, so the prose never drifts.
 * `pick` reads the field from one tier; `show` words a value (default: strings as they are,
 * anything else as JSON).
 */
export function tierNote<D extends ByTier<unknown>>(
  defaults: D,
  pick: (tier: D[Environment]) => unknown,
  show: (value: unknown) => string = asText,
): string {
  const groups = new Map<string, string[]>();
  for (const env of environments) {
    const value = show(pick(defaults[env]));
    groups.set(value, [...(groups.get(value) ?? []), env]);
  }
  if (groups.size === 1) return `Default ${[...groups.keys()][0]}`;
  const parts = [...groups].map(([value, tiers]) => `${value} ${joinTiers(tiers)}`);
  return `Tier default: ${parts.join(", ")}`;
}

/** Words a switch as the reference does: `on` or `off`. */
export const onOff = (value: unknown): string => (value ? "on" : "off");

function asText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function joinTiers(tiers: readonly string[]): string {
  return tiers.length === 1 ? tiers[0]! : `${tiers.slice(0, -1).join(", ")} and ${tiers.at(-1)}`;
}
