// Vitest global setup: a real PostgreSQL for the integration tests, on a free port with a throw-away
// data directory, migrated with the same runner as production. Its URL reaches the test files through
// DATABASE_URL (set before the test processes are forked).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedDb } from "../../lib/embedded-postgres.ts";
import { migrateDeploy } from "../../prisma/migrate.ts";

let server: EmbeddedDb | undefined;
let dataDir: string | undefined;

export async function setup() {
  if (process.env.TEST_DATABASE_URL) {
    process.env.DATABASE_URL = process.env.TEST_DATABASE_URL;
  } else {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "rlhf-test-pg-"));
    server = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "pg"), database: "rlhf_test", persistent: false });
    process.env.DATABASE_URL = server.url;
  }
  await migrateDeploy(process.env.DATABASE_URL!);
  process.env.NEXTAUTH_SECRET ??= "test-secret-test-secret-test-secret";
  process.env.ARTIFACTS_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "rlhf-test-artifacts-"));
}

export async function teardown() {
  await server?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}
