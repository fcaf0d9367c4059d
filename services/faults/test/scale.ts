/**
 * Scenario sizes. `npm test` runs the CI scale (the whole suite in well under a minute on two
 * cores); `npm run test:faults` sets FAULTS_SCALE=full and runs the full counts (the second
 * argument of each `scaled` call, e.g. 10,000 events and 20 cuts in f1).
 */
export const FULL = process.env.FAULTS_SCALE === "full";

/** `ci` in `npm test`, `full` under FAULTS_SCALE=full. */
export function scaled<T>(ci: T, full: T): T {
  return FULL ? full : ci;
}

/** Per-test timeout: generous, because the machine is shared and the full run is large. */
export const TEST_TIMEOUT_MS = scaled(90_000, 900_000);
