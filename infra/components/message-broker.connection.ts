import { Ports } from "./contract";

/**
 * How the services reach the broker: the generated admin password's shape and the AMQPS URL
 * the `causeway-broker` Secret holds. Pure, so both are unit tested without Pulumi.
 */

/**
 * Arguments for the `random.RandomPassword` of the broker's admin user. Only URL-unreserved
 * characters, so the password never needs more than percent-encoding, and none of the `,` `:`
 * `=` Amazon MQ forbids. One of each class guarantees at least 4 unique characters.
 */
export const BROKER_PASSWORD_SPEC = {
  length: 32,
  upper: true,
  lower: true,
  numeric: true,
  special: true,
  overrideSpecial: "-_.~",
  minUpper: 1,
  minLower: 1,
  minNumeric: 1,
  minSpecial: 1,
} as const;

/** Every character `spec` may produce. */
export function passwordAlphabet(spec: {
  readonly upper: boolean;
  readonly lower: boolean;
  readonly numeric: boolean;
  readonly special: boolean;
  readonly overrideSpecial: string;
}): string {
  return [
    spec.upper ? "ABCDEFGHIJKLMNOPQRSTUVWXYZ" : "",
    spec.lower ? "abcdefghijklmnopqrstuvwxyz" : "",
    spec.numeric ? "0123456789" : "",
    spec.special ? spec.overrideSpecial : "",
  ].join("");
}

/**
 * The connection URL for the services: `amqps://<user>:<password>@<host>:5671`, credentials
 * percent-encoded. `endpoint` is what Amazon MQ reports, e.g.
 * `amqps://b-1234.mq.eu-west-1.amazonaws.com:5671`.
 */
export function amqpUrl(endpoint: string, username: string, password: string): string {
  const match = /^amqps:\/\/([A-Za-z0-9.-]+)(?::(\d+))?\/?$/.exec(endpoint);
  if (!match) {
    throw new Error(
      `expected an Amazon MQ AMQPS endpoint such as amqps://b-1234.mq.eu-west-1.amazonaws.com:5671, got "${endpoint}"`,
    );
  }
  const host = match[1]!;
  const port = match[2] ?? String(Ports.amqps);
  return `amqps://${encodeURIComponent(username)}:${encodeURIComponent(password)}@${host}:${port}`;
}
