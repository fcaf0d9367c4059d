import * as pulumi from "@pulumi/pulumi";
import { loadPlatformConfig } from "./config";
import { asConfigError } from "./config/component-errors";
import { composePlatform } from "./compose";

/** The Causeway program: load and validate config, compose the components, return outputs. */
export async function main(): Promise<Record<string, unknown>> {
  const config = loadPlatformConfig();
  try {
    return composePlatform(config);
  } catch (e) {
    // A component's argument error caused by a config value names that config key.
    throw asConfigError(e, pulumi.getStack());
  }
}
