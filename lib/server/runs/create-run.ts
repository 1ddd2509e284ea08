import "server-only";
import { db, type Prisma } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { formatHyperIssues, validateRunConfig } from "@/lib/schemas/hyperparameters";
import { JOB, type TCreateRunRequest } from "@/lib/schemas/training";
import { enqueueJob } from "@/lib/server/runs/job-queue";
import { freezeCurrentLabels } from "@/lib/server/runs/freeze-current-labels";
import { needsSnapshot, planStages } from "@/lib/server/runs/plan-stages";

/**
 * Creates a training run (its stages QUEUED) and queues the "training-run" job. The caller has checked
 * that the user may manage the project. Stage order, the starting version and the snapshot are checked
 * here (422 / 404), and the config against every stage's hyperparameter schema (422 naming the key and the
 * stage) before anything is read or queued. Without snapshotId, stages that need labels freeze the current labels now.
 */
export async function createRun(options: {
  projectId: string;
  createdById?: string | null;
  request: TCreateRunRequest;
  trigger?: "manual" | "schedule" | "label_trigger" | "demo";
}): Promise<{ id: string; snapshotId: string | null }> {
  const { projectId, request } = options;
  const issues = validateRunConfig(request.stages, request.config ?? {}, request.preset);
  if (issues.length) throw new AppError("INVALID_INPUT", formatHyperIssues(issues), undefined, issues.map(({ path, message }) => ({ path, message })));
  const from = request.fromVersionId
    ? await db.modelVersion.findFirst({ where: { id: request.fromVersionId, projectId }, select: { id: true, kind: true, artifactPath: true } })
    : null;
  if (request.fromVersionId && !from) throw AppError.notFound("Starting version");
  if (from && !from.artifactPath) throw new AppError("INVALID_INPUT", "The starting version has no model files");
  const rewardId = request.config?.rewardVersionId;
  const reward = rewardId ? await db.modelVersion.findFirst({ where: { id: rewardId, projectId }, select: { kind: true } }) : null;
  if (rewardId && reward?.kind !== "RM") throw new AppError("INVALID_INPUT", "config.rewardVersionId must be an RM version of this project");
  planStages(request.stages, { fromKind: from?.kind ?? null, rewardKind: reward?.kind ?? null });

  let snapshotId = request.snapshotId ?? null;
  if (snapshotId) {
    const snap = await db.datasetSnapshot.findFirst({ where: { id: snapshotId, projectId }, select: { id: true } });
    if (!snap) throw AppError.notFound("Snapshot");
  } else if (request.freezeLabels || needsSnapshot(request.stages)) {
    snapshotId = (await freezeCurrentLabels({ projectId, createdById: options.createdById })).id;
  }

  const run = await db.trainingRun.create({
    data: {
      projectId,
      preset: request.preset ?? "tiny",
      config: (request.config ?? {}) as Prisma.InputJsonValue,
      snapshotId,
      fromVersionId: from?.id ?? null,
      trigger: options.trigger ?? "manual",
      createdById: options.createdById ?? null,
      stages: { create: request.stages.map((s, position) => ({ kind: s.toUpperCase() as "SFT", position })) },
    },
    select: { id: true },
  });
  await db.runLog.create({ data: { runId: run.id, message: `Queued: ${request.stages.join(" -> ")} (${options.trigger ?? "manual"}).` } });
  await enqueueJob(JOB.trainingRun, { runId: run.id });
  return { id: run.id, snapshotId };
}
