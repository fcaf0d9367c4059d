import { PlanError, readStackConfig } from "@causeway/plan";

/** `aws:region` of a stack file, or an error that says how to set it. */
export function regionOf(file: string): string {
  const region = readStackConfig(file)["aws:region"];
  if (typeof region !== "string" || region === "") {
    throw new PlanError(
      `${file} sets no aws:region: the estimate prices a region. Set it with \`pulumi config set aws:region <region>\`.`,
    );
  }
  return region;
}
