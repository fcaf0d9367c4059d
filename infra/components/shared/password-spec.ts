/**
 * Arguments for a generated `random.RandomPassword` that goes into a connection URL: only
 * URL-unreserved characters (so percent-encoding is all a URL ever needs), which also avoids
 * what Amazon MQ forbids (`,` `:` `=`) and what RDS forbids (`/` `'` `"` `@` and space). One of
 * each class guarantees at least 4 unique characters (Amazon MQ's rule).
 */
export const URL_SAFE_PASSWORD_SPEC = {
  length: 32,
  upper: true,
  lower: true,
  numeric: true,
  special: true,
  overrideSpecial: "-_.~",
  minUpper: 1,
  minLower: 1,
  minNumeric: 1,
  minSpecial: 1,
} as const;

/** Every character `spec` may produce. */
export function passwordAlphabet(spec: {
  readonly upper: boolean;
  readonly lower: boolean;
  readonly numeric: boolean;
  readonly special: boolean;
  readonly overrideSpecial: string;
}): string {
  return [
    spec.upper ? "ABCDEFGHIJKLMNOPQRSTUVWXYZ" : "",
    spec.lower ? "abcdefghijklmnopqrstuvwxyz" : "",
    spec.numeric ? "0123456789" : "",
    spec.special ? spec.overrideSpecial : "",
  ].join("");
}
