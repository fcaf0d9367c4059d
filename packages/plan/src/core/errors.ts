/** A problem the user fixes in their own files; printed as one message, without a stack trace. */
export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanError";
  }
}

/** Set to 1 to keep stack traces during a plan (slower; for debugging the program). */
export const STACK_TRACES_ENV = "CAUSEWAY_PLAN_STACK_TRACES";

/**
 * The message for a plan that stopped with nothing left to run: the program (or a registration)
 * awaits a promise that never settles, so the process would end without a result.
 */
export function stalledMessage(): string {
  return (
    "error: the program stopped before the plan finished: it waits on a promise that never settles " +
    "(under the offline plan: an Output or a promise the program creates and never resolves, or a " +
    "registration that waits on one). Fix the program; rerun with " +
    `${STACK_TRACES_ENV}=1 and PULUMI_DEBUG_PROMISE_LEAKS=1 to see the pending promises.\n`
  );
}
