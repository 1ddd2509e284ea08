// Recovery: a worker that died mid-job leaves its run RUNNING and its pg-boss job active until the
// job's (long) expiry. Every worker sweeps: a RUNNING run whose lease (TrainingRun.leaseExpiresAt,
// renewed every few seconds by the worker that holds it, see workers/jobs/run-lease.ts) has expired gets
// its job failed now, so pg-boss retries it (with backoff) and a live worker resumes the stage from its
// checkpoint. A run whose holder is alive keeps its lease however long a step takes, and is never
// touched here. A QUEUED run whose job is gone (enqueue failed) is queued again.
import type PgBoss from "pg-boss";
import { db } from "../../lib/db.ts";
import { JOB } from "../../lib/schemas/training.ts";
import { QUEUE_POLICY } from "../../lib/server/runs/job-queue.ts";
import { HEARTBEAT_STALE_MS } from "../heartbeat.ts";

async function jobsOf(boss: PgBoss, runId: string, states: string[]): Promise<string[]> {
  const { rows } = await boss
    .getDb()
    .executeSql(`SELECT id FROM pgboss.job WHERE name = $1 AND data->>'runId' = $2 AND state::text = ANY($3::text[])`, [JOB.trainingRun, runId, states]);
  return rows.map((r: { id: string }) => r.id);
}

export async function recoverLostRuns(boss: PgBoss, options: { now?: Date; log?: (l: string) => void } = {}) {
  const now = options.now ?? new Date();
  const expired = { OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { lt: now } }] };
  const running = await db.trainingRun.findMany({ where: { status: "RUNNING", ...expired }, select: { id: true, leaseExpiresAt: true } });
  const recovered: string[] = [];
  if (running.length) {
    // A run without any lease (started before leases existed) is held while a live heartbeat lists it.
    const live = await db.workerHeartbeat.findMany({ where: { seenAt: { gt: new Date(now.getTime() - HEARTBEAT_STALE_MS) } }, select: { info: true } });
    const held = new Set(live.flatMap((h) => ((h.info as { runs?: string[] } | null)?.runs ?? [])));
    for (const r of running) {
      if (!r.leaseExpiresAt && held.has(r.id)) continue;
      // Take the run back only while its lease is still expired: a holder that renewed meanwhile keeps it.
      const taken = await db.trainingRun.updateMany({ where: { id: r.id, status: "RUNNING", ...expired }, data: { status: "QUEUED", leaseOwner: null, leaseExpiresAt: null } });
      if (!taken.count) continue;
      const active = await jobsOf(boss, r.id, ["active"]);
      for (const id of active) await boss.fail(JOB.trainingRun, id, { message: "worker lost (lease expired)" });
      const pending = await jobsOf(boss, r.id, ["created", "retry", "active"]);
      if (pending.length) {
        await db.runLog.create({ data: { runId: r.id, level: "warn", message: "The worker running this round stopped responding; it will resume from its last checkpoint." } });
      } else {
        // Retries used up: the job is failed for good.
        await db.trainingRun.updateMany({ where: { id: r.id, status: "QUEUED", leaseOwner: null }, data: { status: "FAILED", error: "worker lost and no retries left", finishedAt: now } });
      }
      recovered.push(r.id);
      options.log?.(`recovered run ${r.id} from a lost worker`);
    }
  }
  const queued = await db.trainingRun.findMany({ where: { status: "QUEUED", createdAt: { lt: new Date(now.getTime() - 60_000) }, ...expired }, select: { id: true } });
  for (const r of queued) {
    if ((await jobsOf(boss, r.id, ["created", "retry", "active"])).length) continue;
    await boss.send(JOB.trainingRun, { runId: r.id }, QUEUE_POLICY[JOB.trainingRun]);
    options.log?.(`queued run ${r.id} again (its job was missing)`);
  }
  return recovered;
}
