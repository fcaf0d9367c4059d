import { describe, expect, it } from "vitest";
import { contextSources } from "./build-inputs";
import { parseDockerfile } from "./dockerfile";

const sources = (dockerfile: string, args: Record<string, string> = {}) =>
  contextSources(dockerfile, args).map((s) => s.source);

describe("contextSources: what each COPY and ADD takes from the build context", () => {
  it.each<[string, string, Record<string, string>, string[]]>([
    ["a plain COPY", "FROM node\nCOPY src/ ./src/\n", {}, ["src/"]],
    ["several sources, flags", "FROM node\nCOPY --chown=1:1 --chmod=644 a b ./\n", {}, ["a", "b"]],
    ["the JSON form", 'FROM node\nCOPY ["a b", "c", "/dest/"]\n', {}, ["a b", "c"]],
    ["COPY --from a stage", "FROM node AS b\nFROM node\nCOPY --from=b /a /b\n", {}, []],
    ["FROM with --platform", "FROM --platform=$BUILDPLATFORM node AS b\nCOPY x ./\n", {}, ["x"]],
    [
      "a build arg",
      "ARG SERVICE\nFROM node\nARG SERVICE\nCOPY svc/${SERVICE}/ ./\n",
      { SERVICE: "orders" },
      ["svc/orders/"],
    ],
    ["an ARG default", "FROM node\nARG D=app\nCOPY $D ./\n", {}, ["app"]],
    [
      "a global ARG's default, redeclared",
      "ARG D=app\nFROM node\nARG D\nCOPY $D ./\n",
      {},
      ["app"],
    ],
    [
      "a global ARG's default, not redeclared (unset in the stage)",
      "ARG D=app\nFROM node\nCOPY x${D:-} ./\n",
      {},
      ["x"],
    ],
    ["an ENV", "FROM node\nENV D=app\nCOPY ${D}/ ./\n", {}, ["app/"]],
    ["the legacy ENV form", "FROM node\nENV D app\nCOPY ${D}/ ./\n", {}, ["app/"]],
    ["an ENV over a build arg", "FROM node\nARG S\nENV S=env\nCOPY $S ./\n", { S: "arg" }, ["env"]],
    ["${S:-word} unset", "FROM node\nARG S\nCOPY ${S:-fallback}/ ./\n", {}, ["fallback/"]],
    ["${S:-word} set", "FROM node\nARG S\nCOPY ${S:-fallback}/ ./\n", { S: "x" }, ["x/"]],
    ["${S:+word}", "FROM node\nARG S\nCOPY a${S:+-set} ./\n", { S: "x" }, ["a-set"]],
    [
      "remote ADD sources",
      "FROM node\nADD https://x.example/y /y\nADD git://h/r /r\nADD ssh://h/r /s\nADD git@h:r.git /t\n",
      {},
      [],
    ],
    [
      "a COPY heredoc",
      "FROM node\nCOPY <<EOF /etc/x\nCOPY fake ./\nEOF\nCOPY real ./\n",
      {},
      ["real"],
    ],
    [
      "a RUN heredoc whose body looks like COPY",
      "FROM node\nRUN <<-SH\n\tCOPY fake ./\n\tSH\nCOPY real ./\n",
      {},
      ["real"],
    ],
  ])("%s", (_, dockerfile, args, expected) => {
    expect(sources(dockerfile, args)).toEqual(expected);
  });

  it("refuses a source whose variable has no value, naming the line", () => {
    expect(() =>
      contextSources("FROM node\nARG S\n\nCOPY svc/$S ./\n", {}, "x.Dockerfile"),
    ).toThrow(
      'x.Dockerfile line 4: COPY source "svc/$S" uses S, which has no value; pass it in the build\'s args',
    );
  });

  it("keeps heredoc bodies out of the parsed instructions", () => {
    const { stages } = parseDockerfile("FROM node\nRUN <<EOF\nFROM evil\nEOF\nUSER 1\n");
    expect(stages).toHaveLength(1);
    expect(stages[0]!.instructions.map((i) => i.keyword)).toEqual(["RUN", "USER"]);
  });
});
