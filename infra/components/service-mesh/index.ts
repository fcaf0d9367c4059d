export * from "./service-mesh";
export * from "./entries";
export * from "./annotations";
