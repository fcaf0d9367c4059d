/**
 * The PostgreSQL parameters Causeway sets on its RDS parameter group. `pending-reboot` applies
 * a static parameter at the next reboot and is accepted for dynamic ones too, so a new
 * parameter here can never make `pulumi up` fail with "cannot use immediate apply method for
 * static parameter".
 */
export interface DbParameter {
  readonly name: string;
  readonly value: string;
  readonly applyMethod: "immediate" | "pending-reboot";
}

export const POSTGRES_PARAMETERS: readonly DbParameter[] = [
  // Refuse any connection that is not TLS.
  // Source: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html
  { name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" },
  // Log statements slower than 1 s to CloudWatch (postgresql log export), for slow-query review.
  { name: "log_min_duration_statement", value: "1000", applyMethod: "pending-reboot" },
];
