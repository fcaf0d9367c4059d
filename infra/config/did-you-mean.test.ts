import { describe, expect, it } from "vitest";
import { didYouMean, editDistance } from "./did-you-mean";

describe("editDistance", () => {
  it.each([
    ["", "", 0],
    ["abc", "abc", 0],
    ["servces", "services", 1],
    ["enviroment", "environment", 1],
    ["kitten", "sitting", 3],
    ["", "abc", 3],
  ])("%s -> %s is %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe("didYouMean", () => {
  const keys = ["environment", "cluster", "network", "services"];
  it.each([
    ["servces", "services"],
    ["Cluster", "cluster"],
    ["netwrok", "network"],
    ["enviroment", "environment"],
    ["edge", undefined],
    ["x", undefined],
  ])("%s suggests %s", (input, expected) => {
    expect(didYouMean(input, keys)).toBe(expected);
  });
});
