import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Resolve workspace packages to their TypeScript sources (see infra/components/package.json).
    conditions: ["causeway-source"],
  },
  // Tests run in Vite's SSR (Node) pipeline, which reads its own conditions: without this,
  // `@causeway/components` resolves to a stale or missing dist/ build.
  ssr: { resolve: { conditions: ["causeway-source"] } },
  test: {
    include: [
      "infra/**/*.test.ts",
      "packages/**/*.test.ts",
      "services/**/*.test.ts",
      "examples/**/*.test.ts",
    ],
    exclude: ["**/node_modules/**", "**/dist/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
