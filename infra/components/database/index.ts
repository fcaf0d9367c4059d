export * from "./database";
export * from "./rules";
export {
  DATABASE_PASSWORD_SPEC,
  DATABASE_SECRET_KEY,
  databaseSecretName,
  parameterGroupFamily,
  parameterGroupNamePrefix,
  postgresUrl,
  securityGroupNamePrefix,
} from "./connection";
export { POSTGRES_PARAMETERS, type DbParameter } from "./parameters";
