import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { JOB, type TComparisonJob } from "@/lib/schemas/training";
import { getQueue, stopQueue } from "@/lib/server/runs/job-queue";
import { createRun } from "@/lib/server/runs/create-run";
import { runTrainingJob } from "@/workers/jobs/training-run";
import { runComparisonJob } from "@/workers/jobs/comparison";
import * as comparisons from "@/app/api/v1/projects/[id]/comparisons/route";
import * as leaderboard from "@/app/api/v1/projects/[id]/leaderboard/route";
import { apiRequest, createMember, createProject, createUser, routeContext, type TTestUser } from "../helpers/factories";

// Blind A/B comparisons run on the prompts the admin chooses (a split and a count, or a list), and a win
// rate whose interval is too wide says so instead of looking like a result.

const words = ["red", "blue", "green", "cat", "dog", "sun", "moon", "tree", "sky", "sea", "hat", "cup"];
let admin: TTestUser;
let reviewer: TTestUser;
let project: { id: string };
let base: { id: string };
let sft: { id: string };

async function post(json: unknown) {
  const res = await comparisons.POST(apiRequest(`/api/v1/projects/${project.id}/comparisons`, { method: "POST", token: reviewer.token, json }), routeContext({ id: project.id }));
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** Runs the job exactly as it was queued, and the prompts its items were written for. */
async function runQueued(jobId: string) {
  const job = await (await getQueue()).getJobById<TComparisonJob>(JOB.comparison, jobId);
  const { items } = await runComparisonJob(job!.data);
  const rows = await db.comparisonItem.findMany({ where: { comparisonId: job!.data.comparisonId }, select: { promptText: true } });
  expect(rows).toHaveLength(items);
  return rows.map((r) => r.promptText).sort();
}

beforeAll(async () => {
  admin = await createUser({ role: "ADMIN" });
  project = await createProject({ createdById: admin.id });
  reviewer = await createMember(project.id, { role: "REVIEWER", projectRole: "REVIEWER" });
  // One eval prompt, eleven training prompts: the case where a default comparison had one item.
  for (const [i, w] of words.entries()) {
    await db.prompt.create({ data: { projectId: project.id, text: `Say ${w}`, contentHash: `${w}-${i}`, split: i === 11 ? "EVAL" : "TRAIN", createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)) } });
  }
  const snap = await db.datasetSnapshot.create({
    data: { projectId: project.id, name: "s", counts: {}, contentHash: "h", data: { version: 1, sft: words.map((w) => ({ prompt: `Say ${w}`, completion: `${w}!`, split: "train" })), preferences: [], prompts: words.map((w) => ({ prompt: `Say ${w}`, split: "train" })) } },
  });
  const fast = { maxSteps: 2, batchSize: 4, maxLength: 32, evalInterval: 0, corpus: words.map((w) => `Say ${w}. ${w}.`) };
  const { id: runId } = await createRun({ projectId: project.id, createdById: admin.id, request: { stages: ["pretrain", "sft"], snapshotId: snap.id, config: fast } });
  expect(await runTrainingJob(runId, { evaluate: false })).toBe("succeeded");
  [base, sft] = await db.modelVersion.findMany({ where: { projectId: project.id }, orderBy: { createdAt: "asc" } });
});
afterAll(async () => {
  await stopQueue();
});

describe("choosing a comparison's prompts", () => {
  it("a split and a count: the job runs on exactly those prompts", async () => {
    const c = await post({ versionAId: base.id, versionBId: sft.id, split: "TRAIN", count: 5, maxTokens: 4 });
    expect(c.status).toBe(201);
    expect(c.body.prompts).toBe(5);
    expect(await runQueued(c.body.jobId)).toEqual(["Say blue", "Say cat", "Say dog", "Say green", "Say red"]);

    const all = await post({ versionAId: base.id, versionBId: sft.id, split: "ALL", count: 50, maxTokens: 4 });
    expect(all.body.prompts).toBe(12);
  });

  it("no split named: the eval prompt first, topped up with training prompts (not a one-item comparison)", async () => {
    const c = await post({ versionAId: base.id, versionBId: sft.id, count: 4, maxTokens: 4 });
    expect(c.body.prompts).toBe(4);
    expect(await runQueued(c.body.jobId)).toEqual(["Say blue", "Say cup", "Say green", "Say red"]);
  });

  it("an explicit list of prompt texts or ids", async () => {
    const byText = await post({ versionAId: base.id, versionBId: sft.id, promptTexts: ["Say cup", "Say moon", "Say cat"], maxTokens: 4 });
    expect(byText.status).toBe(201);
    expect(await runQueued(byText.body.jobId)).toEqual(["Say cat", "Say cup", "Say moon"]);

    const ids = await db.prompt.findMany({ where: { projectId: project.id, text: { in: ["Say sky", "Say sea"] } }, select: { id: true } });
    const byId = await post({ versionAId: base.id, versionBId: sft.id, promptIds: ids.map((p) => p.id), maxTokens: 4 });
    expect(byId.body.prompts).toBe(2);
    expect(await runQueued(byId.body.jobId)).toEqual(["Say sea", "Say sky"]);
  });

  it("prompts that are not the project's, or an empty split, are 422 naming the field", async () => {
    const other = await createProject();
    const foreign = await db.prompt.create({ data: { projectId: other.id, text: "Say elsewhere", contentHash: "x" } });
    const badId = await post({ versionAId: base.id, versionBId: sft.id, promptIds: [foreign.id] });
    expect(badId.status).toBe(422);
    expect(badId.body.details[0].path).toBe("promptIds.0");
    const badText = await post({ versionAId: base.id, versionBId: sft.id, promptTexts: ["Say cup", "Say nothing"] });
    expect(badText.status).toBe(422);
    expect(badText.body.details[0].path).toBe("promptTexts.1");
    const both = await post({ versionAId: base.id, versionBId: sft.id, promptTexts: ["Say cup"], split: "ALL" });
    expect(both.status).toBe(422);
    expect(both.body.issues[0].path).toBe("split");

    const empty = await createProject({ createdById: admin.id });
    await db.prompt.create({ data: { projectId: empty.id, text: "Say one", contentHash: "one", split: "TRAIN" } });
    const [v1, v2] = await Promise.all([base, sft].map((v) => db.modelVersion.findUniqueOrThrow({ where: { id: v.id } })));
    const a = await db.modelVersion.create({ data: { projectId: empty.id, name: "a", kind: "BASE", algorithm: "pretrain", artifactPath: v1.artifactPath } });
    const b = await db.modelVersion.create({ data: { projectId: empty.id, name: "b", kind: "SFT", algorithm: "sft", artifactPath: v2.artifactPath } });
    const res = await comparisons.POST(apiRequest(`/api/v1/projects/${empty.id}/comparisons`, { method: "POST", token: admin.token, json: { versionAId: a.id, versionBId: b.id, split: "EVAL" } }), routeContext({ id: empty.id }));
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: string }).error).toMatch(/^split: the project has no eval prompts/);
  });
});

describe("too wide to decide", () => {
  it("one vote on one item is flagged undecided; twelve wins of twelve are not", async () => {
    const own = await createProject({ createdById: admin.id });
    const [a, b, c] = await Promise.all(["a", "b", "c"].map((name) => db.modelVersion.create({ data: { projectId: own.id, name, kind: "SFT", algorithm: "sft", artifactPath: "x/y" } })));
    const vote = (winner: string) => ({ promptText: "p", answerA: "x", answerB: "y", votes: { create: [{ userId: reviewer.id, winner }] } });
    await db.comparison.create({ data: { projectId: own.id, versionAId: a.id, versionBId: b.id, status: "open", items: { create: [vote("A")] } } });
    const list = async () => {
      const res = await comparisons.GET(apiRequest(`/api/v1/projects/${own.id}/comparisons`, { token: admin.token }), routeContext({ id: own.id }));
      return ((await res.json()) as { items: { versionA: { id: string }; winRateA: number; winRateACi: { low: number; high: number }; undecided: boolean }[] }).items;
    };
    const board = async () => {
      const res = await leaderboard.GET(apiRequest(`/api/v1/projects/${own.id}/leaderboard`, { token: admin.token }), routeContext({ id: own.id }));
      return ((await res.json()) as { items: { versionId: string; undecided: boolean; winRateCi: { low: number } }[] }).items;
    };
    const [one] = await list();
    expect(one).toMatchObject({ winRateA: 1, undecided: true });
    expect(one.winRateACi.low).toBeCloseTo(0.2065, 3); // Wilson 1 of 1: 21% - 100%
    expect((await board()).every((r) => r.undecided)).toBe(true);

    await db.comparison.create({ data: { projectId: own.id, versionAId: c.id, versionBId: b.id, status: "open", items: { create: Array.from({ length: 12 }, () => vote("A")) } } });
    const [twelve] = await list();
    expect(twelve).toMatchObject({ winRateA: 1, undecided: false });
    const rows = await board();
    expect(rows.find((r) => r.versionId === c.id)).toMatchObject({ undecided: false });
    expect(rows.find((r) => r.versionId === a.id)).toMatchObject({ undecided: true });
  });
});
