import { defineConfig } from "vitest/config";
import path from "node:path";

// Unit and integration tests. Integration tests get a real PostgreSQL from tests/setup/global.ts
// (an embedded server on a free port with a throw-away data directory). Browser tests are Playwright's
// (playwright.config.ts), not vitest's.
export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      "server-only": path.resolve(import.meta.dirname, "tests/setup/server-only.ts"),
    },
  },
  test: {
    include: ["tests/**/*.test.ts", "lib/**/*.test.ts", "workers/**/*.test.ts", "prisma/**/*.test.ts"],
    exclude: ["tests/e2e/**", "node_modules/**"],
    globalSetup: ["tests/setup/global.ts"],
    pool: "forks",
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
