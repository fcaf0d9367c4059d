// @causeway/components: reusable Pulumi ComponentResources for Node.js services on EKS.
// One component per file; this file only re-exports.
export * from "./contract";
export * from "./replacements";
export * from "./consul-cluster";
export * from "./consul-cluster-values";
