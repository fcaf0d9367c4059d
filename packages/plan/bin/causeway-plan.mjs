#!/usr/bin/env node
// causeway-plan <program dir> --stack <name> [--config-file FILE] [--json FILE]
//
// The plan loads the user's program, which is usually TypeScript, so tsx has to be registered
// in this process anyway. With it registered, the CLI runs from the package's TypeScript
// sources too: one code path whether the package is installed or used inside its repository,
// and no build needed before the bin works.
import { createRequire } from "node:module";
import { register as registerCjs } from "tsx/cjs/api";
import { register as registerEsm } from "tsx/esm/api";

registerEsm();
registerCjs();
const { runCli, stalledMessage } = createRequire(import.meta.url)("../src/cli.ts");
// Node empties its event loop when the program waits on a promise that nothing will settle; it
// would then exit 13 with no message. Say what happened instead.
process.once("beforeExit", () => {
  process.stderr.write(stalledMessage());
  process.exit(1);
});
process.exit(await runCli(process.argv.slice(2)));
