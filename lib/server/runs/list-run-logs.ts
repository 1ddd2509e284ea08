import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { requireRunAccess } from "@/lib/server/runs/get-run";

/** Log lines of a run after the cursor `after` (a RunLog id), oldest first. */
export async function listRunLogs(options: { user: TSessionUser; runId: string; after?: number; limit?: number }) {
  await requireRunAccess(options.user, options.runId, "review");
  const rows = await db.runLog.findMany({
    where: { runId: options.runId, ...(options.after ? { id: { gt: BigInt(options.after) } } : {}) },
    orderBy: { id: "asc" },
    take: options.limit ?? 1_000,
    select: { id: true, level: true, message: true, createdAt: true },
  });
  const items = rows.map((r) => ({ id: Number(r.id), level: r.level, message: r.message, createdAt: r.createdAt.toISOString() }));
  return { items, next: items.length ? items[items.length - 1].id : (options.after ?? 0) };
}
