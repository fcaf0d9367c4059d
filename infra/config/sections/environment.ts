import { z } from "zod";
import { environments, type Environment } from "../environment";
import type { Section } from "./section";

/** `causeway:environment`: the tier whose defaults and policies apply. */
export const environmentSection = {
  schema: z.enum(environments as [Environment, ...Environment[]], {
    error: () => `must be one of ${environments.join(", ")}`,
  }),
  required: true,
  description: "The tier whose defaults apply: dev, staging or prod.",
} satisfies Section<Environment>;
