import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { requireProjectAccess } from "@/lib/permissions";
import { JOB, type TCreateComparisonRequest } from "@/lib/schemas/training";
import { enqueueJob } from "@/lib/server/runs/job-queue";

/** A blind A/B comparison of two versions; the worker writes both answers per prompt ("generating" -> "open"). */
export async function createComparison(options: { user: TSessionUser; projectId: string; request: TCreateComparisonRequest }) {
  const { projectId, request } = options;
  await requireProjectAccess(options.user, projectId, "review");
  const versions = await db.modelVersion.findMany({ where: { id: { in: [request.versionAId, request.versionBId] }, projectId }, select: { id: true, kind: true, artifactPath: true } });
  if (versions.length !== 2) throw AppError.notFound("Model version");
  if (versions.some((v) => v.kind === "RM" || !v.artifactPath)) throw new AppError("INVALID_INPUT", "Both versions must be language models with model files (not reward models)");
  if (request.promptIds) {
    const n = await db.prompt.count({ where: { id: { in: request.promptIds }, projectId } });
    if (n !== new Set(request.promptIds).size) throw AppError.notFound("Prompt");
  }
  const c = await db.comparison.create({ data: { projectId, versionAId: request.versionAId, versionBId: request.versionBId, status: "generating" }, select: { id: true, status: true } });
  await enqueueJob(JOB.comparison, { comparisonId: c.id, promptIds: request.promptIds, count: request.count, maxTokens: request.maxTokens });
  return c;
}
