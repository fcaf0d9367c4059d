import { randomInt } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DATABASE_PASSWORD_SPEC } from "../database/connection";
import { checkDatabasePassword } from "../database/rules";
import { RABBITMQ_SETTINGS, rabbitMqConfigurationDocument } from "./configuration";
import { amqpUrl, BROKER_PASSWORD_SPEC, passwordAlphabet } from "./connection";
import { BROKER_PASSWORD_RULES, checkBrokerPassword } from "./rules";

type Spec = typeof BROKER_PASSWORD_SPEC | typeof DATABASE_PASSWORD_SPEC;

/** A password as random.RandomPassword draws it from `spec`: the minimums, then any class. */
function draw(spec: Spec): string {
  const pick = (set: string) => set[randomInt(set.length)]!;
  const classes = [
    ["ABCDEFGHIJKLMNOPQRSTUVWXYZ", spec.minUpper],
    ["abcdefghijklmnopqrstuvwxyz", spec.minLower],
    ["0123456789", spec.minNumeric],
    [spec.overrideSpecial, spec.minSpecial],
  ] as const;
  const chars = classes.flatMap(([set, min]) => Array.from({ length: min }, () => pick(set)));
  const all = passwordAlphabet(spec);
  while (chars.length < spec.length) chars.push(pick(all));
  return chars.sort(() => randomInt(3) - 1).join("");
}

describe("generated passwords", () => {
  it.each<[string, Spec, (p: string) => string[]]>([
    ["Amazon MQ", BROKER_PASSWORD_SPEC, checkBrokerPassword],
    ["RDS", DATABASE_PASSWORD_SPEC, checkDatabasePassword],
  ])("always satisfy %s's rules", (_, spec, check) => {
    for (let i = 0; i < 2000; i++) expect(check(draw(spec))).toEqual([]);
  });

  it("draw only URL-unreserved characters, none that Amazon MQ forbids", () => {
    const alphabet = passwordAlphabet(BROKER_PASSWORD_SPEC);
    expect(alphabet).toMatch(/^[A-Za-z0-9\-_.~]+$/);
    for (const c of BROKER_PASSWORD_RULES.forbidden) expect(alphabet).not.toContain(c);
    // One of each of four classes guarantees 4 unique characters.
    const minimums = [
      BROKER_PASSWORD_SPEC.minUpper,
      BROKER_PASSWORD_SPEC.minLower,
      BROKER_PASSWORD_SPEC.minNumeric,
      BROKER_PASSWORD_SPEC.minSpecial,
    ];
    expect(minimums.every((m) => m >= 1)).toBe(true);
    expect(BROKER_PASSWORD_SPEC.length).toBeGreaterThanOrEqual(BROKER_PASSWORD_RULES.minLength);
  });
});

describe("amqpUrl", () => {
  it("puts percent-encoded credentials into the Amazon MQ endpoint", () => {
    expect(
      amqpUrl("amqps://b-1234.mq.eu-west-1.amazonaws.com:5671", "causeway-admin", "p@ss/w:rd%"),
    ).toBe("amqps://causeway-admin:p%40ss%2Fw%3Ard%25@b-1234.mq.eu-west-1.amazonaws.com:5671");
  });

  it("defaults to the AMQPS port and parses back to the same credentials", () => {
    const url = new URL(amqpUrl("amqps://b-1.mq.us-east-1.amazonaws.com", "u.ser", "a~b-c_d.e"));
    expect([url.protocol, url.port, decodeURIComponent(url.username), url.hostname]).toEqual([
      "amqps:",
      "5671",
      "u.ser",
      "b-1.mq.us-east-1.amazonaws.com",
    ]);
    expect(decodeURIComponent(url.password)).toBe("a~b-c_d.e");
  });

  it("refuses an endpoint that is not AMQPS", () => {
    expect(() => amqpUrl("amqp://b-1.mq.us-east-1.amazonaws.com:5672", "u", "p")).toThrow(
      'expected an Amazon MQ AMQPS endpoint such as amqps://b-1234.mq.eu-west-1.amazonaws.com:5671, got "amqp://b-1.mq.us-east-1.amazonaws.com:5672"',
    );
  });
});

describe("RabbitMQ configuration document", () => {
  it("renders the settings Causeway relies on, sorted", () => {
    expect(rabbitMqConfigurationDocument()).toBe(
      [
        "consumer_timeout = 1800000",
        "heartbeat = 60",
        "quorum_queue.property_equivalence.relaxed_checks_on_redeclaration = true",
        "",
      ].join("\n"),
    );
  });

  it("keeps the heartbeat in the range Amazon MQ accepts (60-3600 s)", () => {
    expect(RABBITMQ_SETTINGS.heartbeat).toBeGreaterThanOrEqual(60);
    expect(RABBITMQ_SETTINGS.heartbeat).toBeLessThanOrEqual(3600);
  });
});
