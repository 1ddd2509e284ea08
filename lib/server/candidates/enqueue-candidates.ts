import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { requireProjectAccess } from "@/lib/permissions";
import { JOB, type TCandidatesRequest } from "@/lib/schemas/training";
import { enqueueJob, getQueue } from "@/lib/server/runs/job-queue";

/**
 * Queues a "candidates" job: the production policy (or the chosen versions) answers the project's prompts
 * without a ranking task (or promptIds), K answers each, as new RANKING tasks. Admins.
 */
export async function enqueueCandidates(options: { user: TSessionUser; projectId: string; request: TCandidatesRequest }) {
  const { projectId, request } = options;
  await requireProjectAccess(options.user, projectId, "manage");
  if (request.versionIds) {
    const vs = await db.modelVersion.findMany({ where: { id: { in: request.versionIds }, projectId }, select: { kind: true, artifactPath: true } });
    if (vs.length !== new Set(request.versionIds).size) throw AppError.notFound("Model version");
    if (vs.some((v) => v.kind === "RM" || !v.artifactPath)) throw new AppError("INVALID_INPUT", "Candidates come from language models with model files, not reward models");
  } else if (!(await db.modelVersion.count({ where: { projectId, status: "PRODUCTION" } }))) {
    throw new AppError("CONFLICT", "No production version: promote a policy first or pass versionIds");
  }
  if (request.promptIds) {
    const n = await db.prompt.count({ where: { id: { in: request.promptIds }, projectId } });
    if (n !== new Set(request.promptIds).size) throw AppError.notFound("Prompt");
  }
  const { versionIds, promptIds, limit, maxTokens, temperature } = request;
  const jobId = await enqueueJob(JOB.candidates, { projectId, versionIds, promptIds, limit, maxTokens, temperature });
  return { jobId };
}

/** State and result of a candidates job of this project. */
export async function getCandidatesJob(options: { user: TSessionUser; projectId: string; jobId: string }) {
  await requireProjectAccess(options.user, options.projectId, "manage");
  const boss = await getQueue();
  const job = await boss.getJobById<{ projectId: string }>(JOB.candidates, options.jobId, { includeArchive: true }).catch(() => null);
  if (!job || job.data.projectId !== options.projectId) throw AppError.notFound("Job");
  return { jobId: job.id, state: job.state, output: job.output ?? null };
}
