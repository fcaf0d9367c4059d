import { Ports } from "../shared/contract";
import { URL_SAFE_PASSWORD_SPEC } from "../shared/password-spec";

/**
 * Naming and connection strings of the Database component. Pure, so they are unit tested
 * without Pulumi.
 */

/** The master user's generated password: URL-safe, and within RDS's password rules. */
export const DATABASE_PASSWORD_SPEC = URL_SAFE_PASSWORD_SPEC;

/** The parameter group family of a PostgreSQL major version: `17` -> `postgres17`. */
export function parameterGroupFamily(majorVersion: string): string {
  return `postgres${majorVersion}`;
}

/**
 * The name prefix of the parameter group: `<identifier>-postgres17-`. AWS appends a unique
 * suffix (the AWS provider's `namePrefix`), so the family stays readable in the console.
 */
export function parameterGroupNamePrefix(identifier: string, majorVersion: string): string {
  return `${identifier}-${parameterGroupFamily(majorVersion)}-`;
}

/** The name prefix of the database's security group: `<identifier>-postgres-`. */
export function securityGroupNamePrefix(identifier: string): string {
  return `${identifier}-postgres-`;
}

/** The key of each service's database Secret: the environment variable the services read. */
export const DATABASE_SECRET_KEY = "DATABASE_URL";

/**
 * The Kubernetes Secret that holds a service's `DATABASE_URL`: `<service>-database`.
 * (The contract with the services; see infra/components/README.md.)
 */
export function databaseSecretName(service: string): string {
  return `${service}-database`;
}

/**
 * `postgres://<user>:<password>@<host>:5432/<database>?sslmode=verify-full`, credentials
 * percent-encoded. `verify-full` because the instance forces TLS (rds.force_ssl) and node-postgres
 * treats `require` as `verify-full` anyway; the client needs the RDS CA bundle
 * (https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem) in its trust store.
 * No search_path here: the service kit sets its own schema first on every pooled connection.
 */
export function postgresUrl(opts: {
  readonly host: string;
  readonly port?: number;
  readonly database: string;
  readonly username: string;
  readonly password: string;
}): string {
  if (!/^[A-Za-z0-9.-]+$/.test(opts.host)) {
    throw new Error(`expected a database host name, got "${opts.host}"`);
  }
  const port = opts.port ?? Ports.postgres;
  const user = encodeURIComponent(opts.username);
  const password = encodeURIComponent(opts.password);
  return `postgres://${user}:${password}@${opts.host}:${port}/${encodeURIComponent(opts.database)}?sslmode=verify-full`;
}
