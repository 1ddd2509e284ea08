import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { requireProjectAccess } from "@/lib/permissions";
import { JOB, type TCreateComparisonRequest } from "@/lib/schemas/training";
import { enqueueJob } from "@/lib/server/runs/job-queue";

const DEFAULT_COUNT = 20;
const issue = (path: string, message: string) => new AppError("INVALID_INPUT", `${path}: ${message}`, [{ path, message }]);

/**
 * The prompts a comparison runs on, chosen here so the caller learns how many there are: the listed ids or
 * texts (each must be one of the project's prompts), or `count` prompts of the named split, oldest first
 * (none named: eval prompts first, then training prompts). An empty split is an error naming the field.
 */
async function choosePromptIds(projectId: string, request: TCreateComparisonRequest): Promise<string[]> {
  if (request.promptIds) {
    const ids = [...new Set(request.promptIds)];
    const found = await db.prompt.findMany({ where: { id: { in: ids }, projectId }, select: { id: true } });
    const known = new Set(found.map((p) => p.id));
    const missing = request.promptIds.findIndex((id) => !known.has(id));
    if (missing >= 0) throw issue(`promptIds.${missing}`, `no prompt ${request.promptIds[missing]} in this project`);
    return ids;
  }
  if (request.promptTexts) {
    const texts = [...new Set(request.promptTexts)];
    const found = await db.prompt.findMany({ where: { projectId, text: { in: texts } }, select: { id: true, text: true }, orderBy: { createdAt: "asc" } });
    const byText = new Map<string, string>();
    for (const p of found) if (!byText.has(p.text)) byText.set(p.text, p.id);
    const missing = request.promptTexts.findIndex((t) => !byText.has(t));
    if (missing >= 0) throw issue(`promptTexts.${missing}`, `no prompt with this text in the project: "${request.promptTexts[missing].slice(0, 80)}"`);
    return texts.map((t) => byText.get(t)!);
  }
  const count = request.count ?? DEFAULT_COUNT;
  const split = request.split;
  // No split named: held-out (eval) prompts first, topped up with training prompts up to `count`.
  const rows = await db.prompt.findMany({
    where: { projectId, ...(split && split !== "ALL" ? { split } : {}) },
    select: { id: true },
    orderBy: [...(split ? [] : [{ split: "desc" as const }]), { createdAt: "asc" }, { id: "asc" }],
    take: count,
  });
  if (!rows.length) throw issue("split", !split || split === "ALL" ? "the project has no prompts" : `the project has no ${split.toLowerCase()} prompts; choose another split`);
  return rows.map((p) => p.id);
}

/** A blind A/B comparison of two versions on the chosen prompts; the worker writes both answers per prompt ("generating" -> "open"). */
export async function createComparison(options: { user: TSessionUser; projectId: string; request: TCreateComparisonRequest }) {
  const { projectId, request } = options;
  await requireProjectAccess(options.user, projectId, "review");
  const versions = await db.modelVersion.findMany({ where: { id: { in: [request.versionAId, request.versionBId] }, projectId }, select: { id: true, kind: true, artifactPath: true } });
  if (versions.length !== 2) throw AppError.notFound("Model version");
  if (versions.some((v) => v.kind === "RM" || !v.artifactPath)) throw new AppError("INVALID_INPUT", "Both versions must be language models with model files (not reward models)");
  const promptIds = await choosePromptIds(projectId, request);
  const c = await db.comparison.create({ data: { projectId, versionAId: request.versionAId, versionBId: request.versionBId, status: "generating" }, select: { id: true, status: true } });
  const jobId = await enqueueJob(JOB.comparison, { comparisonId: c.id, promptIds, count: promptIds.length, maxTokens: request.maxTokens });
  return { ...c, prompts: promptIds.length, jobId };
}
