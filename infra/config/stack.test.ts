import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { keysOutsideConfig } from "./load";

describe("keysOutsideConfig: what the program reads of the stack file itself", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "causeway-stack-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const f = path.join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it("names the keys written beside config: instead of under it", () => {
    const f = file(
      "Pulumi.a.yaml",
      [
        "secretsprovider: passphrase",
        "encryptionsalt: v1:abc",
        "config:",
        "  aws:region: eu-west-1",
        "causeway:services:",
        "  gateway: {}",
        "aws:allowedAccountIds: ['111122223333']",
      ].join("\n"),
    );
    expect(keysOutsideConfig(f)).toEqual(["causeway:services", "aws:allowedAccountIds"]);
  });

  it("finds none in a well-formed file, and none where there is no file", () => {
    expect(keysOutsideConfig(file("Pulumi.b.yaml", "config:\n  aws:region: eu-west-1\n"))).toEqual(
      [],
    );
    expect(keysOutsideConfig(path.join(dir, "Pulumi.none.yaml"))).toEqual([]);
  });
});
