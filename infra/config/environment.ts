/** The environment tiers a stack can belong to. Tier defaults hang off these keys. */
export const Environment = {
  dev: "dev",
  staging: "staging",
  prod: "prod",
} as const;

export type Environment = (typeof Environment)[keyof typeof Environment];

export const environments: readonly Environment[] = Object.values(Environment);

/** Maps each tier to a value; a missing tier is a compile error. */
export type ByTier<T> = { readonly [E in Environment]: T };
