import { afterAll, beforeAll, describe, expect, it } from "vitest";
import crypto from "node:crypto";
import { db } from "@/lib/db";
import { JOB, type TGenerateJob } from "@/lib/schemas/training";
import { createRun } from "@/lib/server/runs/create-run";
import { getQueue, stopQueue } from "@/lib/server/runs/job-queue";
import * as generateRoute from "@/app/api/v1/models/[id]/generate/route";
import * as candidatesRoute from "@/app/api/v1/projects/[id]/candidates/route";
import { runTrainingJob } from "@/workers/jobs/training-run";
import { runGenerateJob } from "@/workers/jobs/generate";
import { runCandidatesJob } from "@/workers/jobs/candidates";
import { runComparisonJob } from "@/workers/jobs/comparison";
import { apiRequest, createProject, createUser, routeContext, type TTestUser } from "../helpers/factories";

// Answers read their prompts at every default budget: a `tiny` model (64 positions) asked for the
// default 64 new tokens keeps the prompt and writes what fits, in the candidates job (ranking tasks),
// the generate job (API and playground) and comparisons. Greedy sampling (temperature 0), so that two
// answers differ only when their prompts do.

let admin: TTestUser;
let projectId: string;
let versionId: string;
const texts = ["Say red", "Tell me about the moon and the sun", "Name a dog", "Why is the sky blue?"];
const promptIds: string[] = [];

beforeAll(async () => {
  admin = await createUser({ role: "ADMIN" });
  const project = await createProject({ createdById: admin.id });
  projectId = project.id;
  const corpus = ["red", "blue", "green", "cat", "dog", "sun", "moon", "sky"].flatMap((w) => [`Say ${w}. ${w} ${w}.`, `The ${w} is here.`]);
  const { id } = await createRun({ projectId, createdById: admin.id, request: { stages: ["pretrain"], config: { preset: "tiny", maxSteps: 3, batchSize: 4, maxLength: 32, evalInterval: 0, corpus } } });
  expect(await runTrainingJob(id, { evaluate: false })).toBe("succeeded");
  const version = await db.modelVersion.update({ where: { stageId: (await db.trainingStage.findFirstOrThrow({ where: { runId: id } })).id }, data: { status: "PRODUCTION" } });
  versionId = version.id;
  for (const text of texts) {
    const p = await db.prompt.create({ data: { projectId, text, split: "TRAIN", contentHash: crypto.createHash("sha256").update(text).digest("hex") } });
    promptIds.push(p.id);
  }
});

afterAll(async () => {
  await stopQueue();
});

/** Plays the worker for one job of `name`. */
async function work<T>(name: string, run: (data: T) => Promise<object>) {
  const boss = await getQueue();
  for (let i = 0; i < 300; i++) {
    const [job] = await boss.fetch<T>(name);
    if (job) {
      const output = await run(job.data);
      await boss.complete(name, job.id, output);
      return output;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${name} job was sent`);
}

describe("answers read their prompts", () => {
  it("the tiny model has 64 positions, as many as the default budget", async () => {
    const v = await db.modelVersion.findUniqueOrThrow({ where: { id: versionId } });
    const config = JSON.parse(await (await import("node:fs/promises")).readFile(`${(await import("@/workers/jobs/data")).artifactsDir()}/${v.artifactPath}/config.json`, "utf8"));
    expect(config.blockSize ?? config.model?.blockSize ?? config.n_positions).toBe(64);
  });

  it("admin writes ranking candidates at the default budget: answers to different prompts differ, and the temperature and length settings are used", async () => {
    const res = await candidatesRoute.POST(
      apiRequest(`/api/v1/projects/${projectId}/candidates`, { method: "POST", token: admin.token, json: { promptIds, temperature: 0 } }),
      routeContext({ id: projectId }),
    );
    expect(res.status).toBe(202);
    const logs: string[] = [];
    const output = await work(JOB.candidates, (data: Parameters<typeof runCandidatesJob>[0]) => runCandidatesJob(data, { log: (l) => logs.push(l) }));
    expect(output).toMatchObject({ tasks: texts.length, promptsTruncated: 0 });
    expect(logs).toEqual([]);
    const tasks = await db.task.findMany({ where: { projectId, kind: "RANKING" }, include: { prompt: true, responses: { include: { response: true } } } });
    const byPrompt = new Map(tasks.map((t) => [t.prompt.text, t.responses.map((r) => r.response.text)]));
    // Greedy: the K answers to one prompt are the same; answers to different prompts are not.
    for (const answers of byPrompt.values()) expect(new Set(answers).size).toBe(1);
    expect(new Set([...byPrompt.values()].map((a) => a[0])).size).toBe(texts.length);

    // Bad settings are refused, naming the field.
    const bad = await candidatesRoute.POST(
      apiRequest(`/api/v1/projects/${projectId}/candidates`, { method: "POST", token: admin.token, json: { promptIds, maxTokens: 0 } }),
      routeContext({ id: projectId }),
    );
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await bad.json())).toMatch(/maxTokens/);
  });

  it("a prompt too long for the model is answered from its end, and the job says so", async () => {
    const long = await db.prompt.create({ data: { projectId, text: "Say red ".repeat(80), split: "TRAIN", contentHash: crypto.randomUUID() } });
    const logs: string[] = [];
    const out = await runCandidatesJob({ projectId, versionIds: [versionId], promptIds: [long.id], temperature: 0, maxTokens: 8 }, { log: (l) => logs.push(l) });
    expect(out).toMatchObject({ tasks: 1, promptsTruncated: 1 });
    expect(logs.join("\n")).toMatch(new RegExp(`prompt ${long.id} is longer than the model reads`));
  });

  it("reviewer's generate call at the default budget: different prompts, different answers; the response says nothing was cut", async () => {
    const call = generateRoute.POST(
      apiRequest(`/api/v1/models/${versionId}/generate`, { method: "POST", token: admin.token, json: { prompts: texts, temperature: 0 } }),
      routeContext({ id: versionId }),
    );
    await work(JOB.generate, (data: TGenerateJob) => runGenerateJob(data));
    const res = await call;
    expect(res.status).toBe(200);
    const body = (await res.json()) as { completions: string[]; promptTokensDropped: number[]; truncated: boolean };
    expect(body.promptTokensDropped).toEqual([0, 0, 0, 0]);
    expect(body.truncated).toBe(false);
    expect(new Set(body.completions).size).toBe(texts.length);
    // The same prompt again: the same answer (the answer depends on the prompt, not on chance).
    const again = await runGenerateJob({ versionId, prompts: [texts[1]], temperature: 0 });
    expect(again.completions[0]).toBe(body.completions[1]);
    // A prompt longer than the model: its start is cut, and the caller is told.
    const long = await runGenerateJob({ versionId, prompts: ["Say red ".repeat(80)], temperature: 0 });
    expect(long.promptTokensDropped?.[0]).toBeGreaterThan(0);
  });

  it("a comparison at the default budget answers each prompt from the prompt", async () => {
    const answers: string[] = [];
    for (const id of promptIds.slice(0, 3)) {
      // Same version on both sides and one prompt each: every item is drawn with seed 0, so only the prompt differs.
      const c = await db.comparison.create({ data: { projectId, versionAId: versionId, versionBId: versionId, status: "generating" } });
      await runComparisonJob({ comparisonId: c.id, promptIds: [id] });
      const [item] = await db.comparisonItem.findMany({ where: { comparisonId: c.id } });
      expect(item.answerA).toBe(item.answerB);
      answers.push(item.answerA);
    }
    expect(new Set(answers).size).toBe(3);
  });
});
