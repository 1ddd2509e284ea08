// Job "comparison": both versions of a blind A/B comparison answer the same prompts (the ones the admin
// chose, listed in the job by createComparison; eval prompts when a job names none); each pair becomes
// an item shown in a random order.
import crypto from "node:crypto";
import { db } from "../../lib/db.ts";
import type { TComparisonJob } from "../../lib/schemas/training.ts";
import { generateClean as generateText, versionDir } from "./generate.ts";

export async function runComparisonJob(job: TComparisonJob): Promise<{ items: number }> {
  const c = await db.comparison.findUniqueOrThrow({ where: { id: job.comparisonId } });
  if (c.status === "open" || c.status === "closed") return { items: await db.comparisonItem.count({ where: { comparisonId: c.id } }) };
  const [dirA, dirB] = await Promise.all([versionDir(c.versionAId), versionDir(c.versionBId)]);
  let prompts = await db.prompt.findMany({
    where: { projectId: c.projectId, ...(job.promptIds ? { id: { in: job.promptIds } } : { split: "EVAL" }) },
    select: { text: true, messages: true },
    orderBy: { createdAt: "asc" },
    take: job.promptIds?.length ?? job.count ?? 20,
  });
  if (!prompts.length && !job.promptIds) {
    prompts = await db.prompt.findMany({ where: { projectId: c.projectId }, select: { text: true, messages: true }, orderBy: { createdAt: "asc" }, take: job.count ?? 20 });
  }
  // A retried job starts over.
  await db.comparisonItem.deleteMany({ where: { comparisonId: c.id } });
  for (const [i, p] of prompts.entries()) {
    const prompt = Array.isArray(p.messages) && p.messages.length ? (p.messages as { role: "user"; content: string }[]) : p.text;
    const opts = { prompt, maxNewTokens: job.maxTokens ?? 64, temperature: 0.7, seed: i, log: () => {} };
    const answerA = (await generateText({ ...opts, modelDir: dirA })).trim() || "(empty answer)";
    const answerB = (await generateText({ ...opts, modelDir: dirB })).trim() || "(empty answer)";
    await db.comparisonItem.create({ data: { comparisonId: c.id, promptText: p.text, answerA, answerB, swapped: crypto.randomInt(2) === 1 } });
  }
  await db.comparison.update({ where: { id: c.id }, data: { status: "open" } });
  return { items: prompts.length };
}
