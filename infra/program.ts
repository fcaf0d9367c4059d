import * as pulumi from "@pulumi/pulumi";
import { platformConfig } from "./cluster/app-reference";
import { loadRawConfig } from "./config";
import { asConfigError } from "./config/component-errors";
import { composePlatform } from "./compose";

/**
 * The Causeway program: load and validate config (completed from the cluster stack's outputs),
 * compose the components, return outputs.
 */
export async function main(): Promise<Record<string, unknown>> {
  const config = await platformConfig(loadRawConfig(), pulumi.getStack());
  try {
    return composePlatform(config);
  } catch (e) {
    // A component's argument error caused by a config value names that config key.
    throw asConfigError(e, pulumi.getStack());
  }
}
