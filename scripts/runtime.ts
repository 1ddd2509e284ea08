// Shared by `npm start`, the CLI and the demo: where the data lives, the single-instance lock, and how to
// reach the database (DATABASE_URL, else the embedded server of a running `npm start`, else start one).
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startEmbeddedPostgres, writePrivateFile } from "../lib/embedded-postgres.ts";
import { migrateDeploy } from "../prisma/migrate.ts";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const DATA_DIR = path.resolve(ROOT, process.env.RLHF_DATA_DIR ?? ".data");
export const LOCK_FILE = path.join(DATA_DIR, "rlhf.lock");
export const RUNTIME_FILE = path.join(DATA_DIR, "runtime.json");

export type TRuntime = { pid: number; databaseUrl: string; embedded: boolean; url?: string };

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The running instance's facts, or null when none runs (a stale lock of a dead process is ignored). */
export function readRuntime(): TRuntime | null {
  try {
    const rt = JSON.parse(fs.readFileSync(RUNTIME_FILE, "utf8")) as TRuntime;
    return isAlive(rt.pid) ? rt : null;
  } catch {
    return null;
  }
}

/** Records the running instance (its database URL holds a password: the file is readable by its owner only). */
export function writeRuntime(rt: TRuntime) {
  writePrivateFile(RUNTIME_FILE, JSON.stringify(rt));
}

/**
 * Takes the single-instance lock of the data directory: a second `npm start` on the same data is refused
 * (two PostgreSQL servers on one data directory would corrupt it). Returns a release function.
 */
export function acquireLock(what: string): () => void {
  fs.mkdirSync(DATA_DIR, { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(LOCK_FILE, JSON.stringify({ pid: process.pid, what, since: new Date().toISOString() }), { flag: "wx" });
      return () => {
        try {
          const held = JSON.parse(fs.readFileSync(LOCK_FILE, "utf8"));
          if (held.pid === process.pid) fs.rmSync(LOCK_FILE);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      let holder: { pid: number; what: string } | undefined;
      try {
        holder = JSON.parse(fs.readFileSync(LOCK_FILE, "utf8"));
      } catch {
        holder = undefined;
      }
      if (holder && isAlive(holder.pid)) {
        throw new Error(
          `RLHF Studio is already running on ${path.relative(process.cwd(), DATA_DIR) || DATA_DIR} (${holder.what}, pid ${holder.pid}). ` +
            `Stop it first (Ctrl+C in its terminal), or use another RLHF_DATA_DIR.`,
        );
      }
      fs.rmSync(LOCK_FILE, { force: true }); // stale lock from a process that died
    }
  }
  throw new Error(`Could not take the lock ${LOCK_FILE}`);
}

/** NEXTAUTH_SECRET from the environment, else one generated once and kept in the data directory. */
export function authSecret(): string {
  if (process.env.NEXTAUTH_SECRET) return process.env.NEXTAUTH_SECRET;
  const file = path.join(DATA_DIR, "auth-secret");
  if (!fs.existsSync(file)) {
    fs.mkdirSync(DATA_DIR, { recursive: true });
    fs.writeFileSync(file, crypto.randomBytes(32).toString("base64url"), { mode: 0o600 });
  }
  return fs.readFileSync(file, "utf8").trim();
}

export type TDatabase = { url: string; embedded: boolean; stop: () => Promise<void> };

/**
 * The database for a process that needs one: DATABASE_URL if set; else the embedded server of the
 * running instance; else an embedded server started now on the data directory (stopped by `stop`).
 * Pending migrations are applied either way.
 */
export async function openDatabase(options: { log?: (l: string) => void; port?: number; forServer?: boolean } = {}): Promise<TDatabase> {
  const log = options.log ?? (() => {});
  let db: TDatabase;
  if (process.env.DATABASE_URL) {
    db = { url: process.env.DATABASE_URL, embedded: false, stop: async () => {} };
  } else {
    const running = options.forServer ? null : readRuntime();
    if (running) {
      db = { url: running.databaseUrl, embedded: true, stop: async () => {} };
    } else {
      const release = options.forServer ? () => {} : acquireLock("rlhf cli");
      log("Starting the embedded PostgreSQL server…");
      const pg = await startEmbeddedPostgres({ dataDir: path.join(DATA_DIR, "postgres"), port: options.port, log: (l) => log(`[postgres] ${l}`), notice: log });
      db = {
        url: pg.url,
        embedded: true,
        stop: async () => {
          await pg.stop();
          release();
        },
      };
    }
  }
  const applied = await migrateDeploy(db.url);
  if (applied.length) log(`Applied ${applied.length} migration(s): ${applied.join(", ")}`);
  return db;
}
