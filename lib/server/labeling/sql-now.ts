import "server-only";
import { Prisma } from "@/lib/db";

/**
 * The current time as `timestamp without time zone` in UTC, the way Prisma stores DateTime columns:
 * comparisons stay right whatever the database session's TimeZone is.
 */
export const SQL_NOW = Prisma.raw(`(now() AT TIME ZONE 'UTC')`);
