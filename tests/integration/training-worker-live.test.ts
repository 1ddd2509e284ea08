import { afterAll, afterEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createRun } from "@/lib/server/runs/create-run";
import { cancelRun } from "@/lib/server/runs/cancel-run";
import { getQueue, stopQueue } from "@/lib/server/runs/job-queue";
import { startHeartbeat } from "@/workers/heartbeat";
import { recoverLostRuns } from "@/workers/queue/recover";
import { startJobWorkers } from "@/workers/queue/index";
import { runTrainingJob } from "@/workers/jobs/training-run";
import { takeRunLease } from "@/workers/jobs/run-lease";
import { createProject, createUser } from "../helpers/factories";

// The worker stays live while a stage trains: training runs off the worker's event loop, and a lease on
// the run (TrainingRun.leaseOwner / leaseExpiresAt) keeps a second worker from running the same stage.

const corpus = ["red", "blue", "green", "cat", "dog", "sun"].flatMap((w) => [`Say ${w}. ${w} ${w}.`, `The ${w} is here.`]);
const fast = { maxSteps: 3, batchSize: 4, maxLength: 32, evalInterval: 0, checkpointInterval: 0, corpus };

async function seed() {
  const admin = await createUser({ role: "ADMIN" });
  const project = await createProject({ createdById: admin.id });
  return { admin, project };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterEach(() => {
  delete process.env.RLHF_TEST_BLOCK_STEP_MS;
});
afterAll(async () => {
  await stopQueue();
});

describe("training worker stays live", () => {
  it("a step that blocks longer than the heartbeat timeout: the heartbeat stays fresh, the run is neither recovered nor taken by a second worker", async () => {
    // Every step of the stage holds its thread for 5 s; a worker unseen for 2.5 s counts as lost here. (Were
    // training on the worker's event loop, the heartbeat would go 5 s stale each step; the 2x margin either
    // side keeps a busy test machine's scheduling hiccups from deciding the outcome.)
    process.env.RLHF_TEST_BLOCK_STEP_MS = "5000";
    const staleMs = 2_500;
    const { admin, project } = await seed();
    const activeRuns = new Set<string>();
    const heartbeat = startHeartbeat(db, () => ({ runs: [...activeRuns] }), { intervalMs: 150 });
    await heartbeat.ready;
    const workers = await startJobWorkers({
      workerId: heartbeat.id,
      activeRuns,
      beat: heartbeat.beat,
      log: () => {},
      scheduleMs: 3_600_000,
      sweepMs: 3_600_000,
      leaseMs: staleMs,
      cancelPollMs: 150,
    });
    try {
      const boss = await getQueue();
      const { id } = await createRun({ projectId: project.id, createdById: admin.id, request: { stages: ["pretrain"], config: fast } });
      let maxAge = 0;
      let sawRunning = false;
      let intruder: Promise<string> | undefined;
      const recovered: string[] = [];
      for (let i = 0; i < 600; i++) {
        const t0 = Date.now();
        await sleep(100);
        // The sampler's own timer is late only when this thread was blocked.
        const late = Date.now() - t0 - 100;
        const [run, beat] = await Promise.all([
          db.trainingRun.findUniqueOrThrow({ where: { id }, select: { status: true, leaseOwner: true } }),
          db.workerHeartbeat.findUniqueOrThrow({ where: { id: heartbeat.id }, select: { seenAt: true } }),
        ]);
        maxAge = Math.max(maxAge, Date.now() - beat.seenAt.getTime(), late);
        if (run.status === "RUNNING" && run.leaseOwner === heartbeat.id) {
          if (!sawRunning) {
            sawRunning = true;
            // A second worker gets the same run while the first holds it: it must not run it.
            intruder = runTrainingJob(id, { workerId: "another-worker:1", cancelPollMs: 150 });
          }
          recovered.push(...(await recoverLostRuns(boss)));
        }
        if (["SUCCEEDED", "FAILED", "CANCELLED"].includes(run.status)) break;
      }
      expect(sawRunning).toBe(true);
      expect(await intruder).toBe("busy");
      expect(recovered).not.toContain(id);
      expect(maxAge).toBeLessThan(staleMs);
      const run = await db.trainingRun.findUniqueOrThrow({ where: { id }, include: { stages: true } });
      expect(run.status).toBe("SUCCEEDED");
      expect(run.leaseOwner).toBeNull();
      expect(run.stages[0]).toMatchObject({ status: "SUCCEEDED", attempts: 1, step: 3 });
      const logs = (await db.runLog.findMany({ where: { runId: id } })).map((l) => l.message);
      expect(logs.filter((m) => /^(Starting|Resuming) stage/.test(m))).toHaveLength(1);
      expect(logs.some((m) => /stopped responding/.test(m))).toBe(false);
    } finally {
      await workers.stop();
      await heartbeat.stop();
    }
  });

  it("cancelling a round whose step blocks: the worker answers at once and the round ends cancelled", async () => {
    process.env.RLHF_TEST_BLOCK_STEP_MS = "60000";
    const { admin, project } = await seed();
    const { id } = await createRun({ projectId: project.id, createdById: admin.id, request: { stages: ["pretrain"], config: { ...fast, maxSteps: 100 } } });
    const running = runTrainingJob(id, { cancelPollMs: 100, workerId: "w:cancel", cancelGraceMs: 1_000 });
    for (let i = 0; i < 300; i++) {
      await sleep(100);
      if ((await db.trainingStage.findFirstOrThrow({ where: { runId: id } })).step >= 1) break;
    }
    const t0 = Date.now();
    await cancelRun({ user: admin, runId: id });
    expect(await running).toBe("cancelled");
    expect(Date.now() - t0).toBeLessThan(20_000);
    const run = await db.trainingRun.findUniqueOrThrow({ where: { id }, include: { stages: true } });
    expect(run.status).toBe("CANCELLED");
    expect(run.leaseOwner).toBeNull();
  });

  it("a worker that lost its lease stops its stage and writes nothing more", async () => {
    process.env.RLHF_TEST_BLOCK_STEP_MS = "500";
    const { admin, project } = await seed();
    const { id } = await createRun({ projectId: project.id, createdById: admin.id, request: { stages: ["pretrain"], config: { ...fast, maxSteps: 100 } } });
    const running = runTrainingJob(id, { cancelPollMs: 100, workerId: "w:first" });
    for (let i = 0; i < 300; i++) {
      await sleep(100);
      if ((await db.trainingStage.findFirstOrThrow({ where: { runId: id } })).step >= 1) break;
    }
    // Another worker took the run over (e.g. after this one was cut off from the database for longer than the lease).
    await db.trainingRun.update({ where: { id }, data: { leaseOwner: "w:second", leaseExpiresAt: new Date(Date.now() + 60_000) } });
    expect(await running).toBe("lost");
    const run = await db.trainingRun.findUniqueOrThrow({ where: { id }, include: { stages: true } });
    expect(run.leaseOwner).toBe("w:second");
    expect(run.status).toBe("RUNNING");
    expect(run.stages[0].status).toBe("RUNNING");
    expect(await db.modelVersion.count({ where: { stage: { runId: id } } })).toBe(0);
  });

  it("ten workers take one round's lease at once: exactly one gets it; recovery re-queues the round only once its lease has expired", async () => {
    const { admin, project } = await seed();
    const { id } = await createRun({ projectId: project.id, createdById: admin.id, request: { stages: ["pretrain"], config: fast } });
    const taken = await Promise.all(Array.from({ length: 10 }, (_, i) => takeRunLease(id, `racer:${i}`, 60_000)));
    expect(taken.filter(Boolean)).toHaveLength(1);

    // Its holder has no heartbeat row at all, but its lease runs: the round is left alone.
    await db.trainingRun.update({ where: { id }, data: { status: "RUNNING", startedAt: new Date() } });
    const boss = await getQueue();
    expect(await recoverLostRuns(boss)).not.toContain(id);
    expect((await db.trainingRun.findUniqueOrThrow({ where: { id } })).status).toBe("RUNNING");
    // The lease ran out: the round goes back to the queue, free for the next worker.
    await db.trainingRun.update({ where: { id }, data: { leaseExpiresAt: new Date(Date.now() - 1_000) } });
    expect(await recoverLostRuns(boss)).toContain(id);
    expect(await db.trainingRun.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "QUEUED", leaseOwner: null });
    expect(await takeRunLease(id, "next-worker:1")).toBe(true);
  });
});
