// Entry point for the Pulumi CLI (infra/bootstrap/Pulumi.yaml `main`). The program is in
// ./program so that the offline plan and the tests run exactly the same code.
import { main } from "./program";

export = main;
