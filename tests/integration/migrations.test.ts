import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import pg from "pg";
import { diffSchemas, listMigrations, migrateDeploy, SCHEMA_PATH } from "../../prisma/migrate.ts";

// Applying every migration to an empty database must give exactly what schema.prisma describes: we
// compare the catalog of a migrated database with one built straight from schema.prisma.

const baseUrl = process.env.DATABASE_URL!;
const urlFor = (name: string) => baseUrl.replace(/\/[^/]+$/, `/${name}`);
const suffix = `${process.pid}_${Date.now()}`;
const migratedDb = `mig_history_${suffix}`;
const directDb = `mig_direct_${suffix}`;

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: urlFor("postgres") });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function catalog(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const q = async (sql: string) => (await client.query(sql)).rows.map((r) => JSON.stringify(r));
    return {
      columns: await q(`SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default
        FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
        ORDER BY table_name, column_name`),
      constraints: await q(`SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace
        AND conrelid::regclass::text <> '_prisma_migrations' ORDER BY 1, 2`),
      indexes: await q(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
        AND tablename <> '_prisma_migrations' ORDER BY 1, 2`),
      enums: await q(`SELECT t.typname, e.enumlabel, e.enumsortorder FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
        ORDER BY 1, 3`),
    };
  } finally {
    await client.end();
  }
}

describe("migrations", () => {
  beforeAll(async () => {
    await admin(async (c) => {
      await c.query(`CREATE DATABASE ${migratedDb}`);
      await c.query(`CREATE DATABASE ${directDb}`);
    });
  });
  afterAll(async () => {
    await admin(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${migratedDb} WITH (FORCE)`);
      await c.query(`DROP DATABASE IF EXISTS ${directDb} WITH (FORCE)`);
    });
  });

  it("applying every migration to an empty database gives exactly what schema.prisma describes", async () => {
    expect(listMigrations().length).toBeGreaterThan(0);
    const applied = await migrateDeploy(urlFor(migratedDb));
    expect(applied).toEqual(listMigrations());

    const sql = await diffSchemas(null, fs.readFileSync(SCHEMA_PATH, "utf8"), urlFor(directDb));
    await admin(async () => {
      const c = new pg.Client({ connectionString: urlFor(directDb) });
      await c.connect();
      await c.query(sql);
      await c.end();
    });

    const [fromHistory, fromSchema] = await Promise.all([catalog(urlFor(migratedDb)), catalog(urlFor(directDb))]);
    expect(fromHistory.columns.length).toBeGreaterThan(50);
    expect(fromHistory).toEqual(fromSchema);
  });

  it("a second deploy applies nothing", async () => {
    expect(await migrateDeploy(urlFor(migratedDb))).toEqual([]);
  });

  it("schema.prisma has no change that lacks a migration", async () => {
    const last = listMigrations().at(-1)!;
    const copy = fs.readFileSync(new URL(`../../prisma/migrations/${last}/schema.prisma`, import.meta.url), "utf8");
    const pending = await diffSchemas(copy, fs.readFileSync(SCHEMA_PATH, "utf8"), urlFor(directDb));
    expect(pending.replace(/--.*$/gm, "").trim()).toBe("");
  });
});
