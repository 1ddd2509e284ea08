import { defineConfig } from "@playwright/test";

// Browser tests drive a real Chromium against the real product started by the same script as
// `npm start`, on its own port and a throw-away data directory (embedded PostgreSQL included).
// Chromium: Debian's /usr/bin/chromium by default; set CHROMIUM_PATH to use another browser binary.
const port = Number(process.env.E2E_PORT ?? 3100);
// Another E2E_PORT gets its own data and build folders, so two test runs can go on side by side.
const suffix = port === 3100 ? "" : `-${port}`;
/** Data folder of the product under test (its artifacts are in ARTIFACTS under it). */
export const E2E_DATA_DIR = `.test-data/e2e${suffix}`;
export const E2E_ADMIN = { email: "admin@e2e.test", password: "admin-password-1" };

export default defineConfig({
  testDir: "tests/e2e",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: `http://localhost:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  webServer: {
    command: `rm -rf ${E2E_DATA_DIR} && node_modules/.bin/tsx --conditions=react-server scripts/start.ts`,
    url: `http://localhost:${port}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGINT", timeout: 20_000 },
    env: {
      PORT: String(port),
      RLHF_DATA_DIR: E2E_DATA_DIR,
      NEXT_DIST_DIR: `.next-e2e${suffix}`,
      ADMIN_EMAIL: E2E_ADMIN.email,
      ADMIN_PASSWORD: E2E_ADMIN.password,
      NEXTAUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret",
      LOGIN_MAX_FAILURES: "50",
    },
  },
});
