import "server-only";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { JOB, type TGenerateJobResult, type TGenerateRequest } from "@/lib/schemas/training";
import { awaitJob, enqueueJob } from "@/lib/server/runs/job-queue";
import { requireModelAccess } from "@/lib/server/models/get-model";

/** Answers prompts with a version: a "generate" job for the worker, awaited (default 60 s). */
export async function generateWithModel(options: { user: TSessionUser; versionId: string; request: TGenerateRequest; timeoutMs?: number }) {
  const v = await requireModelAccess(options.user, options.versionId, "review");
  if (v.kind === "RM") throw new AppError("INVALID_INPUT", "A reward model does not generate text");
  if (!v.artifactPath) throw new AppError("CONFLICT", "The version has no model files");
  const r = options.request;
  const jobId = await enqueueJob(JOB.generate, { versionId: v.id, prompts: r.prompts, maxTokens: r.maxTokens, temperature: r.temperature, topK: r.topK, topP: r.topP, seed: r.seed });
  const out = await awaitJob<TGenerateJobResult>(JOB.generate, jobId, { timeoutMs: options.timeoutMs ?? 60_000 });
  const promptTokensDropped = out.promptTokensDropped ?? out.completions.map(() => 0);
  return { completions: out.completions, promptTokensDropped, truncated: promptTokensDropped.some((n) => n > 0) };
}
