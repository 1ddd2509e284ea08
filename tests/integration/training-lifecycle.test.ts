import { afterAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { db, type Prisma } from "@/lib/db";
import { JOB } from "@/lib/schemas/training";
import { createRun } from "@/lib/server/runs/create-run";
import { cancelRun } from "@/lib/server/runs/cancel-run";
import { waitForRun } from "@/lib/server/runs/wait-for-run";
import { getQueue, stopQueue } from "@/lib/server/runs/job-queue";
import { recoverLostRuns } from "@/workers/queue/recover";
import { startJobWorkers } from "@/workers/queue/index";
import { runTrainingJob } from "@/workers/jobs/training-run";
import { artifactsDir } from "@/workers/jobs/data";
import { createProject, createUser } from "../helpers/factories";

// Job lifecycle: the worker's handler run in-process against the real database, tiny models, few steps.

const words = ["red", "blue", "green", "cat", "dog", "sun", "moon", "tree", "sky", "sea", "hat", "cup"];
// 12 groups: 11 train + 1 val; with batches of 4 no RM normalisation batch has a single sequence (an engine
// bug: workers/train/preferences.ts oneHot with depth 1).

function snapshotData() {
  const sft = words.map((w, i) => ({ prompt: `Say ${w}`, completion: `${w} ${w}`, split: i < 10 ? "train" : "eval" }));
  const preferences = words.map((w) => ({ prompt: `Say ${w}`, chosen: `${w} ${w}`, rejected: "no", group: `g-${w}`, split: "train" }));
  const prompts = words.map((w, i) => ({ prompt: `Say ${w}`, split: i < 10 ? "train" : "eval" }));
  return { version: 1, sft, preferences, prompts };
}
const corpus = words.flatMap((w) => [`Say ${w}. ${w} ${w}.`, `The ${w} is here.`]);

async function seed() {
  const admin = await createUser({ role: "ADMIN" });
  const project = await createProject({ createdById: admin.id });
  const snapshot = await db.datasetSnapshot.create({
    data: { projectId: project.id, name: "s1", counts: {}, contentHash: "x", data: snapshotData() as Prisma.InputJsonValue },
  });
  return { admin, project, snapshot };
}
const fast = { maxSteps: 4, batchSize: 4, maxLength: 32, evalInterval: 0, checkpointInterval: 2, corpus, ppo: { maxNewTokens: 6, batchSize: 2, maxSteps: 2 } };

afterAll(async () => {
  await stopQueue();
});

describe("training run job", () => {
  it("admin's round pretrain -> sft -> rm -> ppo runs every stage and registers four versions with lineage", async () => {
    const { admin, project, snapshot } = await seed();
    const { id } = await createRun({ projectId: project.id, createdById: admin.id, request: { stages: ["pretrain", "sft", "rm", "ppo"], snapshotId: snapshot.id, config: fast } });
    expect(await runTrainingJob(id, { cancelPollMs: 200 })).toBe("succeeded");
    const run = await db.trainingRun.findUniqueOrThrow({ where: { id }, include: { stages: { orderBy: { position: "asc" }, include: { modelVersion: true } } } });
    expect(run.status).toBe("SUCCEEDED");
    const [pt, sft, rm, ppo] = run.stages.map((s) => s.modelVersion!);
    expect([pt.kind, sft.kind, rm.kind, ppo.kind]).toEqual(["BASE", "SFT", "RM", "POLICY"]);
    expect(sft.parentId).toBe(pt.id);
    expect(rm.parentId).toBe(sft.id);
    expect(ppo.parentId).toBe(sft.id);
    expect(ppo.rewardModelId).toBe(rm.id);
    expect(ppo.snapshotId).toBe(snapshot.id);
    expect(fs.existsSync(path.join(artifactsDir(), ppo.artifactPath!))).toBe(true);
    expect(ppo.artifactPath).toBe(path.join(project.id, id, "3-ppo"));
    expect(run.stages.every((s) => s.step === s.totalSteps && s.step > 0)).toBe(true);
    const names = new Set((await db.stageMetric.findMany({ where: { stageId: run.stages[2].id }, select: { name: true } })).map((m) => m.name));
    expect([...names].some((n) => /accuracy/.test(n))).toBe(true);
    expect(await db.runLog.count({ where: { runId: id } })).toBeGreaterThan(3);
    expect((sft.evaluation as { samples: unknown[] }).samples.length).toBeGreaterThan(0);
  });

  it("a stage with bad data fails the run at once with the reason, later stages are cancelled", async () => {
    const { admin, project } = await seed();
    const empty = await db.datasetSnapshot.create({ data: { projectId: project.id, name: "empty", counts: {}, contentHash: "y", data: { version: 1, sft: [], preferences: [], prompts: [] } } });
    const { id } = await createRun({ projectId: project.id, createdById: admin.id, request: { stages: ["pretrain", "sft", "rm"], snapshotId: empty.id, config: fast } });
    expect(await runTrainingJob(id)).toBe("failed");
    const run = await db.trainingRun.findUniqueOrThrow({ where: { id }, include: { stages: { orderBy: { position: "asc" } } } });
    expect(run.status).toBe("FAILED");
    expect(run.error).toMatch(/sft: .*no records/);
    expect(run.stages.map((s) => s.status)).toEqual(["SUCCEEDED", "FAILED", "CANCELLED"]);
  });

  it("a transient failure leaves the run queued for a retry, and the retry finishes it", async () => {
    const { admin, project, snapshot } = await seed();
    const base = await createRun({ projectId: project.id, createdById: admin.id, request: { stages: ["pretrain"], config: fast } });
    expect(await runTrainingJob(base.id)).toBe("succeeded");
    const baseVersion = await db.modelVersion.findFirstOrThrow({ where: { stage: { runId: base.id } } });
    const { id } = await createRun({ projectId: project.id, createdById: admin.id, request: { stages: ["sft"], snapshotId: snapshot.id, fromVersionId: baseVersion.id, config: fast } });
    const dir = path.join(artifactsDir(), baseVersion.artifactPath!);
    fs.renameSync(dir, `${dir}.away`);
    await expect(runTrainingJob(id)).rejects.toThrow();
    let run = await db.trainingRun.findUniqueOrThrow({ where: { id }, include: { stages: true } });
    expect(run.status).toBe("QUEUED");
    expect(run.stages[0].status).toBe("QUEUED");
    expect(run.stages[0].error).toBeTruthy();
    fs.renameSync(`${dir}.away`, dir);
    expect(await runTrainingJob(id)).toBe("succeeded");
    run = await db.trainingRun.findUniqueOrThrow({ where: { id }, include: { stages: true } });
    expect(run.stages[0].attempts).toBe(2);
    expect(run.stages[0].status).toBe("SUCCEEDED");
    // The final attempt fails the run instead of throwing.
    const again = await createRun({ projectId: project.id, createdById: admin.id, request: { stages: ["sft"], snapshotId: snapshot.id, fromVersionId: baseVersion.id, config: fast } });
    fs.renameSync(dir, `${dir}.away`);
    expect(await runTrainingJob(again.id, { finalAttempt: true })).toBe("failed");
    fs.renameSync(`${dir}.away`, dir);
  });

  it("admin cancels a running round: it stops at the next step and is marked cancelled", async () => {
    const { admin, project } = await seed();
    const { id } = await createRun({ projectId: project.id, createdById: admin.id, request: { stages: ["pretrain", "sft"], config: { ...fast, maxSteps: 100_000 } } });
    const running = runTrainingJob(id, { cancelPollMs: 100 });
    // Cancel once it is training (the stage's thread starts in a second or two).
    for (let i = 0; i < 600; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if ((await db.trainingStage.findFirstOrThrow({ where: { runId: id } })).step > 0) break;
    }
    await cancelRun({ user: admin, runId: id });
    expect(await running).toBe("cancelled");
    const run = await db.trainingRun.findUniqueOrThrow({ where: { id }, include: { stages: { orderBy: { position: "asc" } } } });
    expect(run.status).toBe("CANCELLED");
    expect(run.stages.map((s) => s.status)).toEqual(["CANCELLED", "CANCELLED"]);
    expect(run.stages[0].step).toBeGreaterThan(0);
    expect(run.stages[0].step).toBeLessThan(100_000);
    expect(await db.modelVersion.count({ where: { stage: { runId: id } } })).toBe(0);
  });

  it("a queued round cancelled before it starts never trains", async () => {
    const { admin, project } = await seed();
    const { id } = await createRun({ projectId: project.id, createdById: admin.id, request: { stages: ["pretrain"], config: fast } });
    expect((await cancelRun({ user: admin, runId: id })).status).toBe("CANCELLED");
    expect(await runTrainingJob(id)).toBe("cancelled");
    expect(await db.trainingStage.findFirstOrThrow({ where: { runId: id } })).toMatchObject({ status: "CANCELLED", step: 0 });
  });

  it("a worker that dies mid-stage: the retry resumes from the checkpoint and ends where an uninterrupted run ends", async () => {
    const { admin, project } = await seed();
    // Enough steps that the run is still going when the poll below first sees its progress: the job
    // writes progress at most once a second, and this tiny model takes 1-3 ms a step.
    const config = { ...fast, maxSteps: 2500, checkpointInterval: 10 };
    const reference = await createRun({ projectId: project.id, createdById: admin.id, request: { stages: ["pretrain"], config } });
    expect(await runTrainingJob(reference.id)).toBe("succeeded");
    const { id } = await createRun({ projectId: project.id, createdById: admin.id, request: { stages: ["pretrain"], config } });
    const death = new AbortController();
    const first = runTrainingJob(id, { signal: death.signal });
    // Die once some steps are done.
    for (let i = 0; i < 1000; i++) {
      await new Promise((r) => setTimeout(r, 20));
      const s = await db.trainingStage.findFirstOrThrow({ where: { runId: id } });
      if (s.step >= 20) break;
    }
    death.abort();
    expect(await first).toBe("interrupted");
    const stage = await db.trainingStage.findFirstOrThrow({ where: { runId: id } });
    expect(stage.step).toBeGreaterThan(0);
    expect(stage.step).toBeLessThan(2500);
    expect(fs.existsSync(stage.checkpointDir!)).toBe(true);
    expect((await db.trainingRun.findUniqueOrThrow({ where: { id } })).status).toBe("QUEUED");

    expect(await runTrainingJob(id)).toBe("succeeded");
    const logs = (await db.runLog.findMany({ where: { runId: id }, orderBy: { id: "asc" } })).map((l) => l.message);
    expect(logs.some((m) => /Resuming stage 1 \(pretrain\).*from its checkpoint \(step [1-9]/.test(m))).toBe(true);
    const resumed = await db.modelVersion.findFirstOrThrow({ where: { stage: { runId: id } } });
    const uninterrupted = await db.modelVersion.findFirstOrThrow({ where: { stage: { runId: reference.id } } });
    const [a, b] = [resumed.metrics as Record<string, number>, uninterrupted.metrics as Record<string, number>];
    expect(a.loss ?? a["loss/train"]).toBeDefined();
    for (const k of Object.keys(b).filter((k) => /loss/.test(k))) expect(a[k]).toBeCloseTo(b[k], 4);
    // Metrics of the steps redone after the resume are not duplicated.
    const stageId = stage.id;
    const rows = await db.stageMetric.findMany({ where: { stageId, name: Object.keys(b).find((k) => /loss/.test(k)) }, select: { step: true } });
    expect(new Set(rows.map((r) => r.step)).size).toBe(rows.length);
  }, 300_000); // three runs of 2,500 steps: over two minutes on a loaded two-core machine

  it("the recovery sweep hands a lost worker's run back to the queue for a retry", async () => {
    const { admin, project } = await seed();
    const { id } = await createRun({ projectId: project.id, createdById: admin.id, request: { stages: ["pretrain"], config: fast } });
    const boss = await getQueue();
    // A worker takes the job, then dies (no heartbeat lists the run).
    let job;
    for (let i = 0; i < 20 && !job; i++) {
      const jobs = await boss.fetch<{ runId: string }>(JOB.trainingRun, { batchSize: 50 });
      job = jobs.find((j) => j.data.runId === id);
    }
    expect(job).toBeTruthy();
    await db.trainingRun.update({ where: { id }, data: { status: "RUNNING", startedAt: new Date() } });
    expect(await recoverLostRuns(boss)).toContain(id);
    const after = await boss.getJobById(JOB.trainingRun, job!.id);
    expect(after?.state).toBe("retry");
    expect((await db.trainingRun.findUniqueOrThrow({ where: { id } })).status).toBe("QUEUED");
  });

  it("the worker process's queue handlers take a queued round to the end", async () => {
    const { admin, project, snapshot } = await seed();
    const workers = await startJobWorkers({ activeRuns: new Set(), beat: async () => {}, log: () => {}, scheduleMs: 3_600_000 });
    try {
      const { id } = await createRun({ projectId: project.id, createdById: admin.id, request: { stages: ["pretrain", "sft"], snapshotId: snapshot.id, config: fast } });
      const run = await waitForRun(id, { timeoutMs: 90_000, pollMs: 300 });
      expect(run.status).toBe("SUCCEEDED");
    } finally {
      await workers.stop();
    }
  });
});
