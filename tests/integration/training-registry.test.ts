import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, type Prisma } from "@/lib/db";
import { stopQueue } from "@/lib/server/runs/job-queue";
import { createRun } from "@/lib/server/runs/create-run";
import { evaluateSchedules } from "@/lib/server/schedules/evaluate-schedules";
import { runTrainingJob } from "@/workers/jobs/training-run";
import { runComparisonJob } from "@/workers/jobs/comparison";
import { runCandidatesJob } from "@/workers/jobs/candidates";
import { runGenerateJob } from "@/workers/jobs/generate";
import * as projectRuns from "@/app/api/v1/projects/[id]/runs/route";
import * as runRoute from "@/app/api/v1/runs/[id]/route";
import * as modelReview from "@/app/api/v1/models/[id]/review/route";
import * as modelPromote from "@/app/api/v1/models/[id]/promote/route";
import * as rollback from "@/app/api/v1/projects/[id]/rollback/route";
import * as comparisons from "@/app/api/v1/projects/[id]/comparisons/route";
import * as comparisonNext from "@/app/api/v1/comparisons/[id]/next/route";
import * as vote from "@/app/api/v1/comparison-items/[id]/vote/route";
import * as leaderboard from "@/app/api/v1/projects/[id]/leaderboard/route";
import * as schedule from "@/app/api/v1/projects/[id]/schedule/route";
import * as download from "@/app/api/v1/models/[id]/download/route";
import { apiRequest, createMember, createProject, createUser, routeContext, type TTestUser } from "../helpers/factories";

type H = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
async function call(h: H, path: string, o: { method?: string; token: string; json?: unknown; params: Record<string, string> }) {
  const res = await h(apiRequest(path, { method: o.method ?? (o.json === undefined ? "GET" : "POST"), token: o.token, json: o.json }), routeContext(o.params));
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* binary */
  }
  return { status: res.status, body: body as Record<string, unknown> & Record<string, never> };
}

const words = ["red", "blue", "green", "cat", "dog", "sun", "moon", "tree", "sky", "sea", "hat", "cup"];
const fast = { maxSteps: 3, batchSize: 4, maxLength: 32, evalInterval: 0, corpus: words.map((w) => `Say ${w}. ${w}.`) };

let admin: TTestUser;
let reviewer: TTestUser;
let project: { id: string };

beforeAll(async () => {
  admin = await createUser({ role: "ADMIN" });
  project = await createProject({ createdById: admin.id, responsesPerTask: 3, labelsPerItem: 2 });
  reviewer = await createMember(project.id, { projectRole: "REVIEWER" });
});
afterAll(async () => {
  await stopQueue();
});

async function version(kind: "BASE" | "SFT" | "RM" | "POLICY", extra: Partial<Prisma.ModelVersionUncheckedCreateInput> = {}) {
  return db.modelVersion.create({ data: { projectId: project.id, name: `${kind}-${Math.random().toString(36).slice(2, 6)}`, kind, algorithm: kind.toLowerCase(), artifactPath: "x/y", ...extra } });
}

describe("launching rounds", () => {
  it("admin's stage order is checked: unknown stage, ppo without a reward model, sft without a start are 422", async () => {
    const P = project.id;
    const post = (json: unknown) => call(projectRuns.POST, `/api/v1/projects/${P}/runs`, { token: admin.token, json, params: { id: P } });
    expect((await post({ stages: ["sft", "nope"] })).status).toBe(422);
    expect((await post({ stages: ["sft"] })).status).toBe(422);
    const base = await version("BASE");
    const noRm = await post({ stages: ["sft", "ppo"], fromVersionId: base.id });
    expect(noRm.status).toBe(422);
    expect(String(noRm.body.error)).toMatch(/ppo needs a reward model/);
    expect((await post({ stages: ["rm", "dpo"], fromVersionId: base.id, config: { bad: { nested: 1 } } })).status).toBe(422);
    const ok = await post({ stages: ["sft", "rm", "ppo", "dpo"], fromVersionId: base.id, config: { maxSteps: 2 } });
    expect(ok.status).toBe(201);
    const got = await call(runRoute.GET, `/api/v1/runs/${ok.body.id}`, { token: reviewer.token, params: { id: String(ok.body.id) } });
    expect(got.body.status).toBe("QUEUED");
    expect((got.body.stages as unknown as { kind: string; status: string; modelVersionId: null }[]).map((s) => s.kind)).toEqual(["sft", "rm", "ppo", "dpo"]);
    expect(got.body.snapshotId).toBeTruthy(); // labels frozen at launch
    await db.trainingRun.update({ where: { id: String(ok.body.id) }, data: { status: "CANCELLED" } });
  });
});

describe("review and the release gate", () => {
  it("only an approved policy is promoted; one production per project; rollback restores the previous one", async () => {
    const p1 = await version("POLICY");
    const p2 = await version("POLICY");
    const sftV = await version("SFT");
    const promote = (id: string, token = admin.token) => call(modelPromote.POST, `/api/v1/models/${id}/promote`, { method: "POST", token, params: { id } });
    const review = (id: string, decision: string) => call(modelReview.POST, `/api/v1/models/${id}/review`, { token: reviewer.token, json: { decision, comment: "looked at samples" }, params: { id } });
    expect((await promote(p1.id)).status).toBe(409); // draft
    expect((await review(sftV.id, "approve")).status).toBe(200);
    expect((await promote(sftV.id)).status).toBe(409); // not a policy
    expect((await review(p1.id, "reject")).body.status).toBe("REJECTED");
    expect((await promote(p1.id)).status).toBe(409);
    expect((await review(p1.id, "approve")).body.status).toBe("APPROVED");
    expect((await promote(p1.id)).status).toBe(200);
    expect((await review(p2.id, "approve")).status).toBe(200);
    expect((await promote(p2.id, reviewer.token)).status).toBe(403);
    const second = await promote(p2.id);
    expect(second.body).toMatchObject({ status: "PRODUCTION", previousId: p1.id });
    const statuses = async () => Object.fromEntries((await db.modelVersion.findMany({ where: { id: { in: [p1.id, p2.id] } } })).map((v) => [v.id, v.status]));
    expect(await statuses()).toEqual({ [p1.id]: "APPROVED", [p2.id]: "PRODUCTION" });
    expect(await db.modelVersion.count({ where: { projectId: project.id, status: "PRODUCTION" } })).toBe(1);
    expect((await review(p2.id, "reject")).status).toBe(409); // roll back first
    const rb = await call(rollback.POST, `/api/v1/projects/${project.id}/rollback`, { method: "POST", token: admin.token, params: { id: project.id } });
    expect(rb.body).toMatchObject({ productionId: p1.id, rolledBackId: p2.id });
    expect(await statuses()).toEqual({ [p1.id]: "PRODUCTION", [p2.id]: "APPROVED" });
    expect((await call(rollback.POST, `/api/v1/projects/${project.id}/rollback`, { method: "POST", token: admin.token, params: { id: project.id } })).status).toBe(409);
    expect(await db.modelReview.count({ where: { modelVersionId: p1.id } })).toBe(2);
    await db.modelVersion.updateMany({ where: { projectId: project.id, status: "PRODUCTION" }, data: { status: "ARCHIVED" } });
  });
});

describe("schedules", () => {
  async function acceptedDemos(projectId: string, n: number) {
    const p = await db.prompt.create({ data: { projectId, text: `q ${Math.random()}`, contentHash: Math.random().toString(36) } });
    const task = await db.task.create({ data: { projectId, promptId: p.id, kind: "DEMONSTRATION", labelsNeeded: n } });
    const labeler = await createUser();
    for (let i = 0; i < n; i++) await db.demonstration.create({ data: { taskId: task.id, userId: labeler.id, text: `a${i}` } });
  }

  it("a round starts when enough new accepted labels arrive, not before; off by default", async () => {
    const own = await createProject({ createdById: admin.id });
    const sft = await db.modelVersion.create({ data: { projectId: own.id, name: "s", kind: "SFT", algorithm: "sft", artifactPath: "x" } });
    expect((await evaluateSchedules({ projectId: own.id })).length).toBe(0);
    const put = await call(schedule.PUT, `/api/v1/projects/${own.id}/schedule`, { method: "PUT", token: admin.token, json: { enabled: true, minNewLabels: 3, stages: ["rm"], config: { maxSteps: 2 } }, params: { id: own.id } });
    expect(put.status).toBe(200);
    await acceptedDemos(own.id, 2);
    expect(await evaluateSchedules({ projectId: own.id })).toEqual([]);
    await acceptedDemos(own.id, 1);
    const queued = await evaluateSchedules({ projectId: own.id });
    expect(queued).toMatchObject([{ projectId: own.id, trigger: "label_trigger" }]);
    const r = await db.trainingRun.findUniqueOrThrow({ where: { id: queued[0].runId } });
    expect(r).toMatchObject({ trigger: "label_trigger", fromVersionId: sft.id, status: "QUEUED" });
    expect(r.snapshotId).toBeTruthy();
    // A round in progress blocks the next; labels counted again from this round on.
    await acceptedDemos(own.id, 3);
    expect(await evaluateSchedules({ projectId: own.id })).toEqual([]);
    await db.trainingRun.update({ where: { id: r.id }, data: { status: "SUCCEEDED" } });
    expect((await evaluateSchedules({ projectId: own.id })).length).toBe(1);
    await db.trainingRun.updateMany({ where: { projectId: own.id }, data: { status: "SUCCEEDED" } });
    expect(await evaluateSchedules({ projectId: own.id })).toEqual([]);
  });

  it("a cron schedule queues one round per due slot", async () => {
    const own = await createProject({ createdById: admin.id });
    await db.modelVersion.create({ data: { projectId: own.id, name: "s", kind: "SFT", algorithm: "sft", artifactPath: "x" } });
    const bad = await call(schedule.PUT, `/api/v1/projects/${own.id}/schedule`, { method: "PUT", token: admin.token, json: { enabled: true, cron: "every tuesday", stages: ["sft"] }, params: { id: own.id } });
    expect(bad.status).toBe(422);
    await call(schedule.PUT, `/api/v1/projects/${own.id}/schedule`, { method: "PUT", token: admin.token, json: { enabled: true, cron: "0 3 * * *", stages: ["sft"] }, params: { id: own.id } });
    const enabledAt = new Date((await db.project.findUniqueOrThrow({ where: { id: own.id } })).scheduleConfig!["enabledAt" as never] as string);
    const day = 24 * 3600_000;
    const nextSlot = new Date(Math.ceil((enabledAt.getTime() - 3 * 3600_000) / day) * day + 3 * 3600_000 + (enabledAt.getTime() % day > 3 * 3600_000 ? 0 : 0));
    const slot = nextSlot.getTime() > enabledAt.getTime() ? nextSlot : new Date(nextSlot.getTime() + day);
    expect(await evaluateSchedules({ projectId: own.id, now: new Date(slot.getTime() - 60_000) })).toEqual([]);
    const q = await evaluateSchedules({ projectId: own.id, now: new Date(slot.getTime() + 30_000) });
    expect(q).toMatchObject([{ trigger: "schedule" }]);
    await db.trainingRun.updateMany({ where: { projectId: own.id }, data: { status: "SUCCEEDED" } });
    expect(await evaluateSchedules({ projectId: own.id, now: new Date(slot.getTime() + 90_000) })).toEqual([]);
    expect((await evaluateSchedules({ projectId: own.id, now: new Date(slot.getTime() + day + 1_000) })).length).toBe(1);
  });
});

describe("closing the loop with trained versions", () => {
  it("blind comparison, votes un-blinded, leaderboard, candidates as ranking tasks, generation and download", async () => {
    const own = await createProject({ createdById: admin.id, responsesPerTask: 3, labelsPerItem: 2 });
    for (const [i, w] of words.entries()) {
      await db.prompt.create({ data: { projectId: own.id, text: `Say ${w}`, contentHash: w, split: i < 9 ? "TRAIN" : "EVAL" } });
    }
    const snap = await db.datasetSnapshot.create({
      data: { projectId: own.id, name: "s", counts: {}, contentHash: "h", data: { version: 1, sft: words.map((w) => ({ prompt: `Say ${w}`, completion: `${w}!`, split: "train" })), preferences: [], prompts: words.map((w) => ({ prompt: `Say ${w}`, split: "train" })) } },
    });
    const { id: runId } = await createRun({ projectId: own.id, createdById: admin.id, request: { stages: ["pretrain", "sft"], snapshotId: snap.id, config: fast } });
    expect(await runTrainingJob(runId, { evaluate: false })).toBe("succeeded");
    const [base, sft] = await db.modelVersion.findMany({ where: { projectId: own.id }, orderBy: { createdAt: "asc" } });

    const created = await call(comparisons.POST, `/api/v1/projects/${own.id}/comparisons`, { token: reviewer.token, json: { versionAId: base.id, versionBId: sft.id, count: 3, maxTokens: 8 }, params: { id: own.id } });
    expect(created.status).toBe(404); // reviewer is not a member of this project
    await db.projectMember.create({ data: { projectId: own.id, userId: reviewer.id, role: "REVIEWER" } });
    const c = await call(comparisons.POST, `/api/v1/projects/${own.id}/comparisons`, { token: reviewer.token, json: { versionAId: base.id, versionBId: sft.id, count: 3, maxTokens: 8 }, params: { id: own.id } });
    expect(c.status).toBe(201);
    const comparisonId = String(c.body.id);
    expect(await runComparisonJob({ comparisonId, count: 3, maxTokens: 8 })).toEqual({ items: 3 });
    const items = await db.comparisonItem.findMany({ where: { comparisonId } });
    expect(items.map((i) => i.promptText).sort()).toEqual(["Say cup", "Say hat", "Say sea"]); // eval prompts
    for (let k = 0; k < 3; k++) {
      const next = await call(comparisonNext.GET, `/api/v1/comparisons/${comparisonId}/next`, { token: reviewer.token, params: { id: comparisonId } });
      expect(next.status).toBe(200);
      expect(JSON.stringify(next.body)).not.toContain(base.id);
      const item = items.find((i) => i.id === next.body.itemId)!;
      // Always vote for the SFT answer, whichever side it is shown on.
      const sftSide = item.swapped ? "left" : "right";
      expect(next.body[sftSide]).toBe(item.answerB);
      const v = await call(vote.POST, `/api/v1/comparison-items/${item.id}/vote`, { token: reviewer.token, json: { choice: sftSide }, params: { id: item.id } });
      expect(v.status).toBe(201);
      expect((await call(vote.POST, `/api/v1/comparison-items/${item.id}/vote`, { token: reviewer.token, json: { choice: sftSide }, params: { id: item.id } })).status).toBe(409);
    }
    expect((await call(comparisonNext.GET, `/api/v1/comparisons/${comparisonId}/next`, { token: reviewer.token, params: { id: comparisonId } })).status).toBe(204);
    expect((await db.comparisonVote.findMany({ where: { item: { comparisonId } } })).every((v) => v.winner === "B")).toBe(true);
    const lb = await call(leaderboard.GET, `/api/v1/projects/${own.id}/leaderboard`, { token: reviewer.token, params: { id: own.id } });
    const rows = lb.body.items as unknown as { versionId: string; wins: number; winRate: number; winRateCi: { low: number; high: number }; rating: number }[];
    expect(rows[0]).toMatchObject({ versionId: sft.id, wins: 3, winRate: 1 });
    expect(rows[0].winRateCi.low).toBeCloseTo(0.4385, 3); // Wilson 3 of 3
    expect(rows[0].rating).toBeGreaterThan(rows[1].rating);

    const gen = await runGenerateJob({ versionId: sft.id, prompts: ["Say red", "Say blue"], maxTokens: 5, seed: 1 });
    expect(gen.completions).toHaveLength(2);

    const cand = await runCandidatesJob({ projectId: own.id, versionIds: [sft.id, base.id], limit: 2 });
    expect(cand).toEqual({ tasks: 2, responses: 6, promptsTruncated: 0 });
    const tasks = await db.task.findMany({ where: { projectId: own.id, kind: "RANKING" }, include: { responses: { include: { response: true } } } });
    expect(tasks).toHaveLength(2);
    for (const t of tasks) {
      expect(t.labelsNeeded).toBe(2);
      expect(t.responses.map((r) => r.position).sort()).toEqual([0, 1, 2]);
      expect(t.responses.every((r) => r.response.source === "MODEL" && r.response.modelVersionId)).toBe(true);
    }
    // A second pass skips prompts that already have a ranking task.
    expect((await runCandidatesJob({ projectId: own.id, versionIds: [sft.id], limit: 2 })).tasks).toBe(2);
    expect(await db.task.count({ where: { projectId: own.id, kind: "RANKING" } })).toBe(4);

    const dl = await download.GET(apiRequest(`/api/v1/models/${sft.id}/download`, { token: admin.token }), routeContext({ id: sft.id }));
    expect(dl.status).toBe(200);
    const tar = Buffer.from(await dl.arrayBuffer());
    expect(tar.length % 512).toBe(0);
    const names: string[] = [];
    for (let off = 0; off + 512 <= tar.length; ) {
      const name = tar.subarray(off, off + 100).toString("utf8").replace(/\0.*$/s, "");
      if (!name) break;
      const prefix = tar.subarray(off + 345, off + 500).toString("utf8").replace(/\0.*$/s, "");
      const size = parseInt(tar.subarray(off + 124, off + 136).toString("utf8"), 8);
      names.push(prefix ? `${prefix}/${name}` : name);
      off += 512 + Math.ceil(size / 512) * 512;
    }
    expect(names.some((n) => n.endsWith(".safetensors"))).toBe(true);
    expect(names.some((n) => n.endsWith("config.json"))).toBe(true);
    expect(names.some((n) => n.endsWith("tokenizer.json"))).toBe(true);
    expect(names.some((n) => n.includes("checkpoint"))).toBe(false);
  });
});
