import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import type { TMetricsResponse } from "@/lib/schemas/training";
import { requireRunAccess } from "@/lib/server/runs/get-run";

/** Metric rows of a run's stages after the cursor `after` (a StageMetric id), oldest first, for live charts. */
export async function listRunMetrics(options: { user: TSessionUser; runId: string; after?: number; limit?: number }): Promise<TMetricsResponse> {
  await requireRunAccess(options.user, options.runId, "review");
  const rows = await db.stageMetric.findMany({
    where: { stage: { runId: options.runId }, ...(options.after ? { id: { gt: BigInt(options.after) } } : {}) },
    orderBy: { id: "asc" },
    take: options.limit ?? 5_000,
    select: { id: true, stageId: true, step: true, name: true, value: true },
  });
  const items = rows.map((r) => ({ ...r, id: Number(r.id) }));
  return { items, next: items.length ? items[items.length - 1].id : (options.after ?? 0) };
}
