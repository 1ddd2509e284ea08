import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { requireProjectAccess } from "@/lib/permissions";
import type { TSnapshotCounts, TSnapshotSummary } from "@/lib/schemas/labeling";

/** The project's snapshots, newest first (without their data). */
export async function listSnapshots(options: { user: TSessionUser; projectId: string }): Promise<{ items: TSnapshotSummary[] }> {
  await requireProjectAccess(options.user, options.projectId, "view");
  const rows = await db.datasetSnapshot.findMany({
    where: { projectId: options.projectId },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, counts: true, contentHash: true, createdAt: true },
  });
  return { items: rows.map((r) => ({ id: r.id, name: r.name, counts: r.counts as TSnapshotCounts, hash: r.contentHash, createdAt: r.createdAt.toISOString() })) };
}
