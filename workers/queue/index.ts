// The worker's side of the queue: pg-boss handlers for every job, the recovery sweep and the schedule
// tick. Training jobs take one at a time per worker; generation runs beside them.
import type PgBoss from "pg-boss";
import { JOB, type TCandidatesJob, type TComparisonJob, type TGenerateJob, type TTrainingRunJob } from "../../lib/schemas/training.ts";
import { getQueue, stopQueue } from "../../lib/server/runs/job-queue.ts";
import { evaluateSchedules } from "../../lib/server/schedules/evaluate-schedules.ts";
import { db } from "../../lib/db.ts";
import { runTrainingJob } from "../jobs/training-run.ts";
import { runGenerateJob } from "../jobs/generate.ts";
import { runCandidatesJob } from "../jobs/candidates.ts";
import { runComparisonJob } from "../jobs/comparison.ts";
import { recoverLostRuns } from "./recover.ts";

export interface JobWorkerOptions {
  /** Who holds the leases of the runs this process trains (its heartbeat id). */
  workerId?: string;
  /** Training runs' lease length and renewal/cancel poll (ms; defaults in jobs/training-run.ts). */
  leaseMs?: number;
  cancelPollMs?: number;
  /** Runs this process holds (reported in its heartbeat). */
  activeRuns: Set<string>;
  /** Beat now (after taking a run). */
  beat: () => Promise<void>;
  log: (line: string) => void;
  /** Sweep and schedule intervals (ms). */
  sweepMs?: number;
  scheduleMs?: number;
  pollingIntervalSeconds?: number;
}

export async function startJobWorkers(o: JobWorkerOptions) {
  const boss = await getQueue({ worker: true });
  const shutdown = new AbortController();
  const poll = { pollingIntervalSeconds: o.pollingIntervalSeconds ?? 1, includeMetadata: true as const, batchSize: 1 };

  await boss.work<TTrainingRunJob>(JOB.trainingRun, poll, async ([job]) => {
    const { runId } = job.data;
    o.activeRuns.add(runId);
    await o.beat().catch(() => {});
    const finalAttempt = job.retryCount >= job.retryLimit;
    o.log(`run ${runId}: attempt ${job.retryCount + 1} of ${job.retryLimit + 1}`);
    try {
      const outcome = await runTrainingJob(runId, { signal: shutdown.signal, finalAttempt, echo: o.log, workerId: o.workerId, leaseMs: o.leaseMs, cancelPollMs: o.cancelPollMs });
      // busy: a duplicate job of a round another worker is running; lost: another worker took it over.
      o.log(`run ${runId}: ${outcome}`);
      // pg-boss retries a failed job: an interruption (shutdown) must come back.
      if (outcome === "interrupted") throw new Error("interrupted by worker shutdown; will resume");
      return { outcome };
    } finally {
      o.activeRuns.delete(runId);
    }
  });
  await boss.work<TGenerateJob>(JOB.generate, { ...poll, pollingIntervalSeconds: 0.5 }, async ([job]) => runGenerateJob(job.data));
  await boss.work<TCandidatesJob>(JOB.candidates, poll, async ([job]) => runCandidatesJob(job.data, { log: o.log }));
  await boss.work<TComparisonJob>(JOB.comparison, poll, async ([job]) => {
    try {
      return await runComparisonJob(job.data);
    } catch (err) {
      if (job.retryCount >= job.retryLimit) await db.comparison.update({ where: { id: job.data.comparisonId }, data: { status: "failed" } }).catch(() => {});
      throw err;
    }
  });

  const sweep = setInterval(() => void recoverLostRuns(boss, { log: o.log }).catch((e) => o.log(`recovery sweep failed: ${(e as Error).message}`)), o.sweepMs ?? 15_000);
  const tick = () => void evaluateSchedules({ log: o.log }).catch((e) => o.log(`schedule tick failed: ${(e as Error).message}`));
  const schedule = setInterval(tick, o.scheduleMs ?? 60_000);
  setTimeout(tick, 5_000).unref();

  return {
    boss: boss as PgBoss,
    /** Interrupts running stages (they checkpoint), waits for handlers, then stops pg-boss. */
    stop: async () => {
      clearInterval(sweep);
      clearInterval(schedule);
      shutdown.abort();
      await stopQueue({ graceful: true, timeout: 30_000 });
    },
  };
}
