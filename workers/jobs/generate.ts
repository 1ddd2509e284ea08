// Job "generate": answers prompts with one model version (the playground, the API). Returns
// {completions}, read by the web app from the job's output.
import path from "node:path";
import { db } from "../../lib/db.ts";
import type { TGenerateJob, TGenerateJobResult } from "../../lib/schemas/training.ts";
import { generateText } from "../engine.ts";
import { artifactsDir } from "./data.ts";

/** Text PostgreSQL can store: no NUL characters (an untrained byte-level model can emit them), trimmed. */
export function cleanText(text: string): string {
  return text.replace(/\u0000/g, "").replace(/[\ud800-\udfff]/g, "\ufffd").trim();
}

/** Generation with the engine, cleaned for storage. */
export async function generateClean(o: Parameters<typeof generateText>[0]): Promise<string> {
  return cleanText(await generateText(o));
}

export async function versionDir(versionId: string): Promise<string> {
  const v = await db.modelVersion.findUnique({ where: { id: versionId }, select: { artifactPath: true, kind: true } });
  if (!v?.artifactPath) throw new Error(`model version ${versionId} not found or has no files`);
  if (v.kind === "RM") throw new Error("a reward model does not generate text");
  return path.join(artifactsDir(), v.artifactPath);
}

export async function runGenerateJob(job: TGenerateJob): Promise<TGenerateJobResult> {
  const modelDir = await versionDir(job.versionId);
  const completions: string[] = [];
  for (const [i, prompt] of job.prompts.entries()) {
    completions.push(
      await generateClean({
        modelDir,
        prompt,
        maxNewTokens: job.maxTokens ?? 64,
        temperature: job.temperature ?? 0.8,
        topK: job.topK,
        topP: job.topP,
        seed: (job.seed ?? 0) + i,
        log: () => {},
      }),
    );
  }
  return { completions };
}
