import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { requireProjectAccess } from "@/lib/permissions";

/** The project's runs, newest first, with their stages' progress. */
export async function listRuns(options: { user: TSessionUser; projectId: string; limit?: number }) {
  await requireProjectAccess(options.user, options.projectId, "review");
  const runs = await db.trainingRun.findMany({
    where: { projectId: options.projectId },
    orderBy: { createdAt: "desc" },
    take: options.limit ?? 100,
    select: {
      id: true, status: true, preset: true, trigger: true, snapshotId: true, fromVersionId: true, error: true, createdAt: true, finishedAt: true,
      createdBy: { select: { email: true } },
      stages: { orderBy: { position: "asc" }, select: { kind: true, status: true, step: true, totalSteps: true } },
    },
  });
  return {
    items: runs.map((r) => ({
      id: r.id,
      status: r.status,
      preset: r.preset,
      trigger: r.trigger,
      snapshotId: r.snapshotId,
      fromVersionId: r.fromVersionId,
      error: r.error,
      createdBy: r.createdBy?.email ?? null,
      createdAt: r.createdAt.toISOString(),
      finishedAt: r.finishedAt?.toISOString() ?? null,
      stages: r.stages.map((s) => ({ kind: s.kind.toLowerCase(), status: s.status, step: s.step, totalSteps: s.totalSteps })),
    })),
  };
}
