/** How the random part of a delay is drawn; see `retryDelayMs`. */
export const Jitter = {
  /** Uniform in [0, ceiling]: the widest spread, so retrying clients do not move in step. */
  full: "full",
  /** Uniform in [ceiling/2, ceiling]: keeps a floor, so a retry never fires at once. */
  equal: "equal",
} as const;
export type Jitter = (typeof Jitter)[keyof typeof Jitter];
export const JITTERS: readonly Jitter[] = Object.values(Jitter);

/**
 * How an operation is retried: the message consumer, the HTTP client and the payment charge
 * all take this one shape.
 */
export interface RetryPolicy {
  /** Total attempts, the first one included (1 = never retry). */
  readonly maxAttempts: number;
  /** Ceiling of the delay after the first failed attempt, in ms; it doubles after each one. */
  readonly baseDelayMs: number;
  /** Cap on the ceiling of any delay, in ms. */
  readonly maxDelayMs: number;
  readonly jitter: Jitter;
}

/**
 * The delay after attempt number `failedAttempt` (1 = the first attempt) failed, before the
 * next attempt: exponential, bounded, with jitter. The ceiling is
 * min(maxDelayMs, baseDelayMs * 2^(failedAttempt-1)); the delay is drawn below it as
 * `policy.jitter` says, rounded to whole ms, and never less than 1 ms.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  failedAttempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempt - 1));
  const floor = policy.jitter === Jitter.equal ? ceiling / 2 : 0;
  return Math.max(1, Math.round(floor + random() * (ceiling - floor)));
}

/**
 * The shortest and longest total wait between a message's first failed attempt and the moment
 * it is given up (parked), summed over the waits after attempts 1 .. maxAttempts-1: the lowest
 * and highest value `retryDelayMs` can draw for each (handler run time not included).
 */
export function retryHorizonMs(policy: RetryPolicy): {
  readonly min: number;
  readonly max: number;
} {
  let min = 0;
  let max = 0;
  for (let failed = 1; failed < policy.maxAttempts; failed++) {
    min += retryDelayMs(policy, failed, () => 0);
    max += retryDelayMs(policy, failed, () => 1);
  }
  return { min, max };
}

/** "181.5 s to 363 s": a horizon for logs and messages. */
export function formatHorizon(h: { readonly min: number; readonly max: number }): string {
  const s = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  return `${s(h.min)} to ${s(h.max)}`;
}

/** Every way `policy` is invalid, in field order; empty when it is valid. */
export function retryPolicyProblems(policy: RetryPolicy): string[] {
  const problems: string[] = [];
  const { maxAttempts, baseDelayMs, maxDelayMs, jitter } = policy;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    problems.push(`maxAttempts must be an integer >= 1, got ${maxAttempts}`);
  }
  if (!Number.isInteger(baseDelayMs) || baseDelayMs < 1) {
    problems.push(`baseDelayMs must be an integer >= 1, got ${baseDelayMs}`);
  }
  if (!Number.isInteger(maxDelayMs) || maxDelayMs < baseDelayMs) {
    problems.push(
      `maxDelayMs must be an integer >= baseDelayMs (${baseDelayMs}), got ${maxDelayMs}`,
    );
  }
  if (!JITTERS.includes(jitter)) {
    problems.push(`jitter must be one of ${JITTERS.join(", ")}, got ${String(jitter)}`);
  }
  return problems;
}

/** Returns `policy` if it is valid, else throws one error that lists every problem. */
export function checkRetryPolicy(policy: RetryPolicy): RetryPolicy {
  const problems = retryPolicyProblems(policy);
  if (problems.length > 0) throw new RangeError(`Invalid retry policy: ${problems.join("; ")}`);
  return policy;
}
