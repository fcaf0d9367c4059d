import { componentProviderHost } from "@pulumi/pulumi/provider/experimental";
import { COMPONENTS } from "./components";

// The plugin's entry: the Pulumi CLI runs it and talks to it over gRPC (see PulumiPlugin.yaml).
// The schema test builds the same provider in-process (provider.test.ts).
componentProviderHost({ name: "causeway", components: [...COMPONENTS] }).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
