import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export const REPO_ROOT = join(__dirname, "../../..");
/**
 * tsx's loader, registered with `node --import` in the child itself. Not `tsx/cli`: the CLI
 * runs the script in a grandchild, so a SIGKILL to the CLI would orphan the real process.
 */
const tsxLoader = pathToFileURL(createRequire(__filename).resolve("tsx")).href;

/** A TypeScript child process (the repo's Node via tsx, workspace sources), line by line. */
export interface Child {
  readonly proc: ChildProcess;
  readonly lines: string[];
  stderr(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** SIGKILL if still running; resolves once it has exited. Safe to call twice. */
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

const running = new Set<Child>();

/** Spawns `script` (relative to the repo root) with `env` added to this process's env. */
export function spawnTs(script: string, env: Record<string, string>): Child {
  const args = ["--import", tsxLoader, "--conditions=causeway-source", script];
  const proc = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  const lines: string[] = [];
  let err = "";
  let buffered = "";
  proc.stdout!.on("data", (c: Buffer) => {
    buffered += c.toString();
    const parts = buffered.split("\n");
    buffered = parts.pop()!;
    for (const p of parts) if (p.trim()) lines.push(p);
  });
  proc.stderr!.on("data", (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | string>((resolve) =>
    proc.once("close", (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const child: Child = {
    proc,
    lines,
    stderr: () => err,
    exited,
    async kill(signal = "SIGKILL") {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
  running.add(child);
  void exited.then(() => running.delete(child));
  return child;
}

/** SIGKILLs every child this file started that is still running (call in afterAll). */
export async function killAllChildren(): Promise<void> {
  await Promise.all([...running].map((c) => c.kill("SIGKILL")));
}
