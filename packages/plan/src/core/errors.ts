/** A problem the user fixes in their own files; printed as one message, without a stack trace. */
export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanError";
  }
}

/** Set to 1 to keep stack traces during a plan (slower; for debugging the program). */
export const STACK_TRACES_ENV = "CAUSEWAY_PLAN_STACK_TRACES";
