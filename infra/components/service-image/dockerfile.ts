/**
 * A Dockerfile parser: enough of BuildKit's reading to know what each stage copies from the build
 * context (the image's content tag) and for the services' Dockerfile tests (no Docker engine here).
 */

export interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}
export interface Stage {
  readonly from: string;
  readonly name: string | undefined;
  readonly instructions: Instruction[];
}

/**
 * A Dockerfile parsed the way BuildKit reads it: comments and parser directives dropped, `\`
 * continuations joined (comment lines inside a continuation are skipped), heredoc bodies
 * (`RUN <<EOF ... EOF`) kept out of the instructions, one instruction per logical line, grouped
 * into stages by FROM. Global ARGs (before the first FROM) are kept apart.
 */
export function parseDockerfile(text: string): { globalArgs: Instruction[]; stages: Stage[] } {
  const logical: Instruction[] = [];
  let current: { text: string; line: number } | undefined;
  /** Heredoc terminators still to be met, in order; their bodies are not instructions. */
  const heredocs: { word: string; dash: boolean }[] = [];
  text.split("\n").forEach((raw, i) => {
    const trimmed = raw.trim();
    if (heredocs.length > 0) {
      const { word, dash } = heredocs[0]!;
      if ((dash ? raw.replace(/^\t+/, "") : raw) === word) heredocs.shift();
      return;
    }
    if (trimmed.startsWith("#") || (trimmed === "" && !current)) return;
    const continued = trimmed.endsWith("\\");
    const part = continued ? trimmed.slice(0, -1).trim() : trimmed;
    current = current
      ? { ...current, text: `${current.text} ${part}` }
      : { text: part, line: i + 1 };
    if (!continued) {
      const m = /^(\S+)\s*(.*)$/.exec(current.text)!;
      logical.push({ keyword: m[1]!.toUpperCase(), args: m[2]!, line: current.line });
      for (const h of current.text.matchAll(/<<(-?)\s*(["']?)([A-Za-z_][\w]*)\2/g)) {
        heredocs.push({ word: h[3]!, dash: h[1] === "-" });
      }
      current = undefined;
    }
  });
  const globalArgs: Instruction[] = [];
  const stages: Stage[] = [];
  for (const ins of logical) {
    if (ins.keyword === "FROM") {
      // FROM [--platform=<platform>] <image> [AS <name>]
      const m = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m) throw new Error(`line ${ins.line}: cannot parse FROM ${ins.args}`);
      stages.push({ from: m[1]!, name: m[2], instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword !== "ARG") throw new Error(`line ${ins.line}: ${ins.keyword} before FROM`);
      globalArgs.push(ins);
    } else {
      stages.at(-1)!.instructions.push(ins);
    }
  }
  return { globalArgs, stages };
}
