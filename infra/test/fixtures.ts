import * as path from "node:path";
import {
  loadPlatformConfig,
  parsePlatformConfig,
  type PlatformConfig,
  type RawConfig,
} from "../config";
import { applyOverlay, planProgram, type ConfigOverlay, type PlanView } from "../plan/harness";
import { toRawConfig } from "@causeway/plan";
import { readStackFile } from "../plan/stack-file";
import { explicitConfig } from "../cluster/app-reference";
import { main } from "../program";

/**
 * Fixture stacks for the infra tests: planned with the real program, like stacks/, but owned by
 * the tests, so a team editing stacks/ (a service, a replica count, a CIDR) breaks no test.
 * Tests take their service lists from the fixture's graph (`Object.keys(config.services)`).
 */

export const FIXTURE_STACKS_DIR = path.resolve(__dirname, "stacks");

/** One fixture per tier. */
export const FIXTURE_STACKS = ["dev", "staging", "prod"] as const;
export type FixtureStack = (typeof FIXTURE_STACKS)[number];

/** The fixture's config mapping (as in its YAML) with `overlay` applied. */
function fixtureMapping(stack: FixtureStack, overlay: ConfigOverlay): Record<string, unknown> {
  return applyOverlay(readStackFile(FIXTURE_STACKS_DIR, stack).config, overlay);
}

/** Plans a fixture stack with the real program, optionally with a config overlay. */
export function planFixture(stack: FixtureStack, overlay: ConfigOverlay = {}): Promise<PlanView> {
  return planProgram(main, {
    stack,
    config: fixtureMapping(stack, overlay),
    preflight: loadPlatformConfig,
  });
}

/** The raw config the engine would hand the program for a fixture stack (with overlay). */
export function rawFixtureConfig(stack: FixtureStack, overlay: ConfigOverlay = {}): RawConfig {
  return toRawConfig(fixtureMapping(stack, overlay));
}

/** The typed config the program sees for a fixture stack (its cluster and network explicit). */
export function fixtureConfig(stack: FixtureStack, overlay: ConfigOverlay = {}): PlatformConfig {
  return explicitConfig(parsePlatformConfig(rawFixtureConfig(stack, overlay), stack));
}

/** A per-file cache of the plain fixture plans (each plan takes seconds). */
export function fixturePlans(): (stack: FixtureStack) => Promise<PlanView> {
  const plans = new Map<FixtureStack, Promise<PlanView>>();
  return (stack) => {
    if (!plans.has(stack)) plans.set(stack, planFixture(stack));
    return plans.get(stack)!;
  };
}

/** A service the fixture graph does not have, and that has no code under services/. */
export const FOURTH_SERVICE = "inventory";

/** The image the fixture's fourth service runs: it has no code under services/ to build. */
export const FOURTH_SERVICE_IMAGE = `111122223333.dkr.ecr.eu-west-1.amazonaws.com/causeway/${FOURTH_SERVICE}@sha256:${"c".repeat(64)}`;

/** The fourth service's graph entry, without an image (a built one would need services/<name>). */
const FOURTH_SERVICE_GRAPH = {
  "causeway:services": {
    gateway: { upstreams: ["orders", FOURTH_SERVICE] },
    [FOURTH_SERVICE]: {
      database: true,
      broker: true,
      upstreams: ["orders"],
      expose: { path: "/inventory" },
    },
  },
};

/**
 * The fixture graph plus a fourth service: it uses the database and the broker, calls orders,
 * is called by the gateway, is exposed on its own path, and runs an image pinned by digest.
 */
export const WITH_FOURTH_SERVICE: ConfigOverlay = {
  "causeway:services": {
    ...FOURTH_SERVICE_GRAPH["causeway:services"],
    [FOURTH_SERVICE]: {
      ...FOURTH_SERVICE_GRAPH["causeway:services"][FOURTH_SERVICE],
      image: FOURTH_SERVICE_IMAGE,
    },
  },
};

/** The same fourth service left to be built: its code is not in this repository. */
export const WITH_FOURTH_SERVICE_UNBUILT: ConfigOverlay = FOURTH_SERVICE_GRAPH;
