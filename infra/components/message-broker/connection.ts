import { Ports } from "../shared/contract";
import { passwordAlphabet, URL_SAFE_PASSWORD_SPEC } from "../shared/password-spec";

/**
 * How the services reach the broker: the generated admin password's shape and the AMQPS URL
 * the `causeway-broker` Secret holds. Pure, so both are unit tested without Pulumi.
 */

/** The broker admin's generated password: URL-safe, and within Amazon MQ's password rules. */
export const BROKER_PASSWORD_SPEC = URL_SAFE_PASSWORD_SPEC;

/** Every character a password spec may produce (re-exported for the rules' tests). */
export { passwordAlphabet };

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
