/**
 * Import rules checked by `npm test` (dependency-cruiser): no import cycles anywhere in the
 * sources, type-only imports included (a cycle of types still ties the files together).
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment:
        "Files that import each other in a loop: move the shared piece into a module both import.",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-circular-between-areas",
      severity: "error",
      comment:
        "Two areas (infra/plan and infra/policies, say) import each other: one of them must own the shared piece.",
      scope: "folder",
      from: { path: "^(infra|services|packages)/[^/]+/?$" },
      to: { circular: true, path: "^(infra|services|packages)/[^/]+/?$" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Tests are left out: nothing imports a test file, so none can be in a cycle, and a test may
    // use another area's test support (the plan harness) without tying the areas together.
    exclude: { path: ["(^|/)(dist|coverage)/", "\\.test\\.ts$"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      // Workspace packages resolve to their TypeScript sources, as tsc, tsx and vitest read them.
      conditionNames: ["causeway-source", "import", "require", "node", "default"],
      exportsFields: ["exports"],
      extensions: [".ts", ".js", ".json"],
    },
  },
};
