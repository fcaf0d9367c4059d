/** A dependency check for /readyz; it must be fast and must not throw (a throw counts as down). */
export interface ReadinessCheck {
  readonly name: string;
  readonly check: () => boolean | Promise<boolean>;
}

/** Readiness state shared by /readyz and the lifecycle. */
export class Readiness {
  private draining = false;
  constructor(private readonly checks: readonly ReadinessCheck[] = []) {}

  /** Set by the lifecycle on SIGTERM; /readyz answers 503 from then on. */
  startDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Names of the failing checks, or ["shutting-down"]; empty means ready. */
  async failing(): Promise<string[]> {
    if (this.draining) return ["shutting-down"];
    const results = await Promise.all(
      this.checks.map(async (c) => {
        try {
          return (await c.check()) ? undefined : c.name;
        } catch {
          return c.name;
        }
      }),
    );
    return results.filter((r): r is string => r !== undefined);
  }
}
