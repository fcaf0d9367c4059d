export * from "./message-broker";
export * from "./rules";
export { amqpUrl, BROKER_PASSWORD_SPEC, passwordAlphabet } from "./connection";
export { RABBITMQ_SETTINGS, rabbitMqConfigurationDocument } from "./configuration";
