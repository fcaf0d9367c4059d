import * as pulumi from "@pulumi/pulumi";

/**
 * What the Pulumi language host does with an error that rejects a promise nobody awaits: an
 * error thrown inside `apply` (a component checking an Output argument once its value is known)
 * rejects the registration of every resource that takes it, and the SDK lets that rejection go
 * unhandled on purpose ("so that it triggers unhandled rejection logic", runtime/resource.js
 * runAsyncResourceOp in @pulumi/pulumi). `pulumi up` then logs it and fails the update
 * (cmd/run/run.js, uncaughtHandler). The offline plan does the same: while a plan runs, it takes
 * over `unhandledRejection`, keeps the first error, and stops waiting for the registrations that
 * will never finish; the plan then fails with that error's message.
 */
export class UnhandledRejections {
  private first: { error: unknown } | undefined;
  private wake: (() => void) | undefined;
  private readonly stopped = new Promise<void>((resolve) => (this.wake = resolve));
  private previous: NodeJS.UnhandledRejectionListener[] = [];
  private readonly listener = (reason: unknown, promise: Promise<unknown>) => {
    // Inside a host that listens itself (a test runner), only the errors a program raises for
    // its user (ResourceError, RunError) fail the plan; anything else (a late rejection of an
    // earlier run) goes to the host's listeners as before.
    if (this.previous.length > 0 && !isProgramError(reason)) {
      for (const l of this.previous) l(reason, promise);
      return;
    }
    this.first ??= { error: reason };
    this.wake?.();
  };

  /** Takes over `unhandledRejection` until {@link release}. */
  capture(): void {
    this.previous = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    process.on("unhandledRejection", this.listener);
  }

  /** Resolves with `work`, or as soon as a rejection went unhandled (see {@link error}). */
  async race(work: Promise<void>): Promise<void> {
    await Promise.race([work, this.stopped]);
  }

  /** The first unhandled rejection, if any. */
  get error(): { error: unknown } | undefined {
    return this.first;
  }

  /**
   * Gives `unhandledRejection` back, once the same error's other chains (one per dependent
   * resource) have been reported to this listener.
   */
  async release(): Promise<void> {
    // A rejection from the last registrations (an invoke that failed inside an apply, say) is
    // reported after the microtasks that resolved the wait: one turn of the event loop lets it
    // reach this listener, instead of crashing the process once the listener is gone.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.first) {
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    }
    process.removeListener("unhandledRejection", this.listener);
    for (const l of this.previous) process.on("unhandledRejection", l);
  }
}

function isProgramError(reason: unknown): boolean {
  return pulumi.ResourceError.isInstance(reason) || pulumi.RunError.isInstance(reason);
}
