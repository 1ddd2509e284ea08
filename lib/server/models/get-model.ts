import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { requireProjectAccess, type TProjectAccess } from "@/lib/permissions";
import type { TModelDetail, TModelSummary } from "@/lib/schemas/training";

/** The version, after checking the caller's access to its project (404 for outsiders). */
export async function requireModelAccess(user: TSessionUser, versionId: string, access: TProjectAccess) {
  const v = await db.modelVersion.findUnique({ where: { id: versionId }, select: { id: true, projectId: true, kind: true, status: true, artifactPath: true, name: true } });
  if (!v) throw AppError.notFound("Model version");
  await requireProjectAccess(user, v.projectId, access);
  return v;
}

export const modelSummarySelect = {
  id: true, kind: true, name: true, algorithm: true, parentId: true, rewardModelId: true, snapshotId: true, status: true, metrics: true, createdAt: true,
  stage: { select: { runId: true } },
} as const;

export function toSummary(v: {
  id: string; kind: TModelSummary["kind"]; name: string; algorithm: string; parentId: string | null; rewardModelId: string | null;
  snapshotId: string | null; status: TModelSummary["status"]; metrics: unknown; createdAt: Date; stage: { runId: string } | null;
}): TModelSummary {
  return {
    id: v.id, kind: v.kind, name: v.name, algorithm: v.algorithm, parentId: v.parentId, rewardModelId: v.rewardModelId, snapshotId: v.snapshotId,
    runId: v.stage?.runId ?? null, status: v.status, metrics: (v.metrics as Record<string, number>) ?? {}, createdAt: v.createdAt.toISOString(),
  };
}

export async function getModel(options: { user: TSessionUser; versionId: string }): Promise<TModelDetail> {
  await requireModelAccess(options.user, options.versionId, "review");
  const v = await db.modelVersion.findUniqueOrThrow({
    where: { id: options.versionId },
    select: {
      ...modelSummarySelect, projectId: true, config: true, evaluation: true, artifactPath: true, promotedAt: true, stageId: true,
      snapshot: { select: { name: true } },
      stage: { select: { runId: true, run: { select: { createdBy: { select: { email: true } }, trigger: true } } } },
      reviews: { orderBy: { createdAt: "desc" }, select: { id: true, decision: true, comment: true, createdAt: true, reviewer: { select: { email: true } } } },
    },
  });
  return {
    ...toSummary(v),
    projectId: v.projectId,
    config: v.config,
    evaluation: v.evaluation ?? null,
    artifactPath: v.artifactPath,
    promotedAt: v.promotedAt?.toISOString() ?? null,
    snapshotName: v.snapshot?.name ?? null,
    launchedBy: v.stage?.run.createdBy?.email ?? (v.stage ? v.stage.run.trigger : null),
    stageId: v.stageId,
    reviews: v.reviews.map((r) => ({ id: r.id, reviewer: r.reviewer.email, decision: r.decision, comment: r.comment, createdAt: r.createdAt.toISOString() })),
  };
}
