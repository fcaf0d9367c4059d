/**
 * Progress of a plan or a plan diff, per stack and per phase, on stderr: stdout keeps only the
 * output. On a terminal one status line is rewritten in place; elsewhere (CI logs, pipes) each
 * step is a line of its own. `CAUSEWAY_PLAN_PROGRESS=off` silences it (the diff sets it for the
 * plans it runs in child processes, whose stderr becomes an error message on failure).
 */

export const PROGRESS_ENV = "CAUSEWAY_PLAN_PROGRESS";

export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export interface Progress {
  /** One step: `[stack] phase: detail`. */
  step(stack: string, phase: string, detail?: string): void;
  /** Ends the status line on a terminal. */
  done(): void;
}

/** The progress reporter for `tool` (`plan`, `plan:diff`) on `stream`. */
export function progressReporter(
  tool: string,
  stream: ProgressStream = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): Progress {
  if (env[PROGRESS_ENV] === "off") return { step() {}, done() {} };
  let open = false;
  return {
    step(stack, phase, detail) {
      const line = `${tool}: [${stack}] ${phase}${detail ? `: ${detail}` : ""}`;
      if (stream.isTTY) {
        stream.write(`\r\x1b[K${line}`);
        open = true;
      } else stream.write(`${line}\n`);
    },
    done() {
      if (open) stream.write("\n");
      open = false;
    },
  };
}
