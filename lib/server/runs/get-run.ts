import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { requireProjectAccess, type TProjectAccess } from "@/lib/permissions";
import type { TRunView, TStageName } from "@/lib/schemas/training";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The run's project id, after checking the caller's access to it (404 for outsiders). */
export async function requireRunAccess(user: TSessionUser, runId: string, access: TProjectAccess) {
  const run = await db.trainingRun.findUnique({ where: { id: runId }, select: { id: true, projectId: true } });
  if (!run) throw AppError.notFound("Run");
  await requireProjectAccess(user, run.projectId, access);
  return run;
}

export async function getRun(options: { user: TSessionUser; runId: string }): Promise<TRunView> {
  await requireRunAccess(options.user, options.runId, "review");
  const run = await db.trainingRun.findUniqueOrThrow({
    where: { id: options.runId },
    include: {
      createdBy: { select: { email: true } },
      stages: { orderBy: { position: "asc" }, include: { modelVersion: { select: { id: true } } } },
    },
  });
  return {
    id: run.id,
    projectId: run.projectId,
    status: run.status,
    preset: run.preset,
    config: run.config,
    trigger: run.trigger,
    snapshotId: run.snapshotId,
    fromVersionId: run.fromVersionId,
    cancelRequested: run.cancelRequested,
    error: run.error,
    createdBy: run.createdBy?.email ?? null,
    createdAt: run.createdAt.toISOString(),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    stages: run.stages.map((s) => ({
      id: s.id,
      kind: s.kind.toLowerCase() as TStageName,
      position: s.position,
      status: s.status,
      step: s.step,
      totalSteps: s.totalSteps,
      attempts: s.attempts,
      modelVersionId: s.modelVersion?.id ?? null,
      metrics: (s.finalMetrics as Record<string, number> | null) ?? null,
      error: s.error,
      startedAt: iso(s.startedAt),
      finishedAt: iso(s.finishedAt),
    })),
  };
}
