// Job "candidates": closing the loop. The production policy (or the chosen versions) writes K answers
// (K = project.responsesPerTask) for prompts without a ranking task; they become MODEL responses and a
// RANKING task each. Labelers never see which version wrote an answer.
import crypto from "node:crypto";
import { db } from "../../lib/db.ts";
import type { TCandidatesJob, TCandidatesJobResult } from "../../lib/schemas/training.ts";
import { versionDir, withGenerators } from "./generate.ts";

/**
 * The sampling seed of answer `i` to a prompt: the first 32 bits of SHA-256 over the prompt's content
 * and `i`. Deterministic (the same prompt gets the same answers from the same model, also when the job
 * is retried), and different from prompt to prompt: a seed of `1000 + i` for every prompt drew the same
 * random numbers for all of them, so similar prompts got the very same K answers (every "Describe the
 * <noun>." of the demo had the same six), and the rankings taught the reward model about six answers.
 * The content, not the id, so that a re-run of the demo on a fresh project draws the same answers.
 */
export function answerSeed(prompt: { text: string; messages: unknown }, i: number): number {
  const content = JSON.stringify([prompt.text, prompt.messages ?? null, i]);
  return crypto.createHash("sha256").update(content).digest().readUInt32LE(0);
}

/**
 * K answers per prompt at the job's temperature (default 1) and budget (default 64 new tokens, shortened
 * to the positions the prompt leaves in the model: the answer always reads its prompt, see
 * fitTokenBudget). A prompt too long for the model alone is answered from its end: `log` says so and
 * the result counts it.
 */
export async function runCandidatesJob(job: TCandidatesJob, options: { log?: (line: string) => void } = {}): Promise<TCandidatesJobResult> {
  const project = await db.project.findUniqueOrThrow({ where: { id: job.projectId }, select: { responsesPerTask: true, labelsPerItem: true } });
  let versionIds = job.versionIds ?? [];
  if (!versionIds.length) {
    const prod = await db.modelVersion.findFirst({ where: { projectId: job.projectId, status: "PRODUCTION" }, select: { id: true } });
    if (!prod) throw new Error("no production policy: promote a version or pass versionIds");
    versionIds = [prod.id];
  }
  const dirs = await Promise.all(versionIds.map(versionDir));
  const prompts = await db.prompt.findMany({
    where: {
      projectId: job.projectId,
      ...(job.promptIds ? { id: { in: job.promptIds } } : { split: "TRAIN", tasks: { none: { kind: "RANKING" } } }),
    },
    select: { id: true, text: true, messages: true },
    orderBy: { createdAt: "asc" },
    take: job.limit ?? 50,
  });
  const k = Math.max(2, project.responsesPerTask);
  let tasks = 0;
  let responses = 0;
  let promptsTruncated = 0;
  return withGenerators(async (answer) => {
    for (const p of prompts) {
      const texts: { text: string; versionId: string }[] = [];
      let dropped = 0;
      for (let i = 0; i < k; i++) {
        const v = i % versionIds.length;
        const messages = Array.isArray(p.messages) && p.messages.length ? (p.messages as { role: "user"; content: string }[]) : null;
        const text = await answer(dirs[v], {
          prompt: messages ?? p.text,
          maxNewTokens: job.maxTokens ?? 64,
          temperature: job.temperature ?? 1,
          seed: answerSeed(p, i),
          onFit: (fit) => (dropped = Math.max(dropped, fit.promptTokensDropped)),
        });
        texts.push({ text: text.trim() || "(empty answer)", versionId: versionIds[v] });
      }
      if (dropped > 0) {
        promptsTruncated += 1;
        options.log?.(`candidates for project ${job.projectId}: prompt ${p.id} is longer than the model reads; answered from its last tokens (${dropped} left out)`);
      }
      await db.$transaction(async (tx) => {
        const created = [];
        for (const t of texts) {
          created.push(await tx.response.create({ data: { promptId: p.id, text: t.text, source: "MODEL", modelVersionId: t.versionId }, select: { id: true } }));
        }
        await tx.task.create({
          data: {
            projectId: job.projectId,
            promptId: p.id,
            kind: "RANKING",
            labelsNeeded: project.labelsPerItem,
            responses: { create: created.map((r, position) => ({ responseId: r.id, position })) },
          },
        });
      });
      tasks += 1;
      responses += texts.length;
    }
    return { tasks, responses, promptsTruncated };
  });
}
