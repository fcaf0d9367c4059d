import { loadPlatformConfig } from "./config";
import { composePlatform } from "./compose";

/** The Causeway program: load and validate config, compose the components, return outputs. */
export async function main(): Promise<Record<string, unknown>> {
  const config = loadPlatformConfig();
  return composePlatform(config);
}
