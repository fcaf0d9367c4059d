export * from "./consul-cluster";
export * from "./values";
