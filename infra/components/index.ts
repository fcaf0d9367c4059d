// @causeway/components: reusable Pulumi ComponentResources for Node.js services on EKS.
// One component per file; this file only re-exports.
export * from "./contract";
export * from "./replacements";
export * from "./consul-cluster";
export * from "./consul-cluster-values";
export * from "./message-broker";
export * from "./message-broker.rules";
export {
  amqpUrl,
  BROKER_PASSWORD_SPEC,
  passwordAlphabet,
} from "./message-broker.connection";
export { RABBITMQ_SETTINGS, rabbitMqConfigurationDocument } from "./message-broker.configuration";
export { messageBrokerReplacements } from "./message-broker.replacements";
export * from "./database";
export * from "./database.rules";
export {
  DATABASE_PASSWORD_SPEC,
  databaseSecretName,
  parameterGroupFamily,
  postgresUrl,
} from "./database.connection";
export { POSTGRES_PARAMETERS, type DbParameter } from "./database.parameters";
export { databaseReplacements } from "./database.replacements";
