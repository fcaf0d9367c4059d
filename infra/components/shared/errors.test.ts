import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { ComponentArgsError } from "./errors";

describe("ComponentArgsError", () => {
  it("lists every problem under the component's type and name, and counts them", () => {
    const err = new ComponentArgsError("Database", "db", ["a: bad", "b: worse"]);
    expect(err.message).toBe('Database "db": 2 invalid arguments:\n  - a: bad\n  - b: worse');
    expect(new ComponentArgsError("Database", "db", ["a: bad"]).message).toBe(
      'Database "db": 1 invalid argument:\n  - a: bad',
    );
    expect(err.problems).toEqual(["a: bad", "b: worse"]);
  });

  it("is a pulumi.ResourceError that hides its stack, so the CLI prints the message alone", () => {
    const err = new ComponentArgsError("Database", "db", ["a: bad"]);
    expect(err).toBeInstanceOf(pulumi.ResourceError);
    expect(pulumi.ResourceError.isInstance(err)).toBe(true);
    expect(err.hideStack).toBe(true);
    expect(err.name).toBe("ComponentArgsError");
  });
});
