import crypto from "node:crypto";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env";

// One Prisma client per process (engine-free Prisma 7 with the pg driver adapter), created on first use
// so that importing this file never needs a database (e.g. during `next build`).
//
// The client runs on one shared pg pool, which the hot labeling/API paths also use directly (`sqlQuery`,
// `sqlTransaction`): plain parameterised SQL there skips Prisma's per-query work (request serialisation,
// the wasm query compiler, the interpreter), which is most of the server's CPU per API call.
//
// Pool size: PostgreSQL does its work on the machine's cores; more busy connections than cores only adds
// context switches and lock contention. A handful of connections keeps PostgreSQL saturated (requests
// queue briefly in the pool instead); DATABASE_POOL_MAX overrides.
const POOL_MAX = Number(process.env.DATABASE_POOL_MAX) || 8;

const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient; pgPool?: pg.Pool };

export function createPrismaClient(connectionString = env().DATABASE_URL): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max: POOL_MAX }) });
}

/** The process's shared pg pool (the one `db` runs on). */
export function getPool(): pg.Pool {
  globalForPrisma.pgPool ??= new pg.Pool({ connectionString: env().DATABASE_URL, max: POOL_MAX });
  return globalForPrisma.pgPool;
}

export function getDb(): PrismaClient {
  globalForPrisma.prisma ??= new PrismaClient({ adapter: new PrismaPg(getPool()) });
  return globalForPrisma.prisma;
}

export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, prop) {
    const client = getDb();
    const value = Reflect.get(client, prop, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
});

// Result parsing for direct queries, the way Prisma returns them: `timestamp` columns (Prisma's DateTime,
// stored in UTC without a zone) as Dates in UTC whatever the process's time zone; json/jsonb parsed;
// int4 as numbers; text[] as arrays (pg's defaults for the rest).
const TIMESTAMP_OID = 1114;
const TIMESTAMP_ARRAY_OID = 1115;
const parseUtcTimestamp = (s: string) => new Date(s.replace(" ", "T") + "Z");
const sqlTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === TIMESTAMP_OID) return parseUtcTimestamp;
    if (oid === TIMESTAMP_ARRAY_OID) {
      const parseArray = pg.types.getTypeParser(1009 as Parameters<typeof pg.types.getTypeParser>[0]); // text[]
      return (s: string) => (parseArray(s) as (string | null)[]).map((x) => (x === null ? null : parseUtcTimestamp(x)));
    }
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** Something that runs queries: the shared pool, or one client inside `sqlTransaction`. */
export type TSqlRunner = Pick<pg.Pool | pg.PoolClient, "query">;

/**
 * Runs a `Prisma.sql` query straight on the pg pool (or on a transaction's client) and returns its rows.
 * For hot paths only; everything else goes through `db`.
 */
export async function sqlQuery<T>(query: Prisma.Sql, runner: TSqlRunner = getPool()): Promise<T[]> {
  // A named (prepared) statement per distinct text: each connection parses and plans it once, then
  // PostgreSQL reuses the plan, which for these queries costs about as much as running them.
  const res = await runner.query({ name: statementName(query.text), text: query.text, values: query.values as unknown[], types: sqlTypes });
  return res.rows as T[];
}

const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `rlhf_${crypto.createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
    if (statementNames.size < 1000) statementNames.set(text, name);
  }
  return name;
}

/**
 * Runs `fn` in a READ COMMITTED transaction on one pooled connection: COMMIT when it returns, ROLLBACK
 * when it throws. Fails with `SqlPoolTimeoutError` when no connection frees up within `maxWaitMs`.
 */
export async function sqlTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>, options: { maxWaitMs?: number } = {}): Promise<T> {
  const pool = getPool();
  const maxWaitMs = options.maxWaitMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  const connecting = pool.connect();
  const client = await Promise.race([
    connecting,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SqlPoolTimeoutError(maxWaitMs)), maxWaitMs);
    }),
  ]).catch((err) => {
    // Give a connection that arrives after we gave up straight back.
    if (err instanceof SqlPoolTimeoutError) connecting.then((c) => c.release(), () => {});
    throw err;
  }).finally(() => clearTimeout(timer));
  let broken = false;
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {
      broken = true;
    });
    throw err;
  } finally {
    client.release(broken);
  }
}

export class SqlPoolTimeoutError extends Error {
  constructor(ms: number) {
    super(`No database connection became free within ${ms} ms`);
    this.name = "SqlPoolTimeoutError";
  }
}

export * from "@/lib/generated/prisma/client";
