// Vitest global setup: a real PostgreSQL for the integration tests, on a free port with a throw-away
// data directory, migrated with the same runner as production. Its URL reaches the test files through
// DATABASE_URL (set before the test processes are forked). The tests connect as the app's own role, as
// `npm start` does (no superuser); the one extra right they get is CREATEDB, for tests that make scratch
// databases (migrations.test.ts).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
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
    const superuser = new pg.Client({ connectionString: server.superuserUrl });
    await superuser.connect();
    await superuser.query(`ALTER ROLE ${superuser.escapeIdentifier(server.role)} CREATEDB`).finally(() => superuser.end());
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
