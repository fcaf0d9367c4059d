import { ConfigError } from "../config/errors";
import { parsePlatformConfig, type RawConfig } from "../config/load";

/**
 * For tests: every problem parsing `raw` reports, as `<key path>: <message>` lines. Throws if
 * the config is accepted, or if parsing fails with anything but a ConfigError.
 */
export function configProblems(raw: RawConfig, stack = "test"): string[] {
  try {
    parsePlatformConfig(raw, stack);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error("expected the config to be rejected");
}
