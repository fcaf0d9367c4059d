// @causeway/components: reusable Pulumi ComponentResources for Node.js services on EKS.
// One folder per component (see README.md); this file only re-exports.
export * from "./shared";
export * from "./node-service";
export * from "./service-image";
export * from "./public-load-balancer";
export * from "./load-balancer-controller";
export * from "./consul-cluster";
export * from "./service-mesh";
export * from "./message-broker";
export * from "./cache";
export * from "./database";
export * from "./network";
export * from "./cluster";
export * from "./observability";
