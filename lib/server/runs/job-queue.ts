import "server-only";
import PgBoss from "pg-boss";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { JOB } from "@/lib/schemas/training";

// The job queue: pg-boss 10 on the product's PostgreSQL (its own `pgboss` schema). The web app only
// sends jobs and reads their results; the worker (workers/queue) works them. One instance per process.

type TQueueName = (typeof JOB)[keyof typeof JOB];

/** Retries and expiry per queue. Training resumes from its checkpoint on retry, so retries are cheap. */
export const QUEUE_POLICY: Record<TQueueName, PgBoss.Queue> = {
  // A training run can take hours; a dead worker is noticed by its heartbeat long before expiry.
  [JOB.trainingRun]: { name: JOB.trainingRun, retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 12 * 3600 },
  [JOB.generate]: { name: JOB.generate, retryLimit: 1, retryDelay: 1, retryBackoff: false, expireInSeconds: 600 },
  [JOB.candidates]: { name: JOB.candidates, retryLimit: 3, retryDelay: 5, retryBackoff: true, expireInSeconds: 4 * 3600 },
  [JOB.comparison]: { name: JOB.comparison, retryLimit: 3, retryDelay: 5, retryBackoff: true, expireInSeconds: 4 * 3600 },
};

const g = globalThis as unknown as { rlhfBoss?: Promise<PgBoss>; rlhfBossUrl?: string };

/**
 * The process's pg-boss instance (created, migrated and its queues created on first use). `worker: true`
 * also runs pg-boss's maintenance (expiry, retries of expired jobs, archiving) in this process.
 */
export function getQueue(options: { worker?: boolean; connectionString?: string } = {}): Promise<PgBoss> {
  const connectionString = options.connectionString ?? env().DATABASE_URL;
  if (g.rlhfBoss && g.rlhfBossUrl === connectionString) return g.rlhfBoss;
  g.rlhfBossUrl = connectionString;
  g.rlhfBoss = (async () => {
    const boss = new PgBoss({
      connectionString,
      max: 4,
      supervise: options.worker ?? false,
      schedule: false,
      migrate: true,
      maintenanceIntervalSeconds: 30,
      archiveCompletedAfterSeconds: 3600,
    });
    boss.on("error", (err) => console.error(`[queue] ${err.message}`));
    await boss.start();
    for (const q of Object.values(QUEUE_POLICY)) await boss.createQueue(q.name, q);
    return boss;
  })();
  g.rlhfBoss.catch(() => {
    g.rlhfBoss = undefined;
  });
  return g.rlhfBoss;
}

/** Stops this process's queue instance (tests, shutdown). */
export async function stopQueue(options: { graceful?: boolean; timeout?: number } = {}) {
  const boss = g.rlhfBoss;
  g.rlhfBoss = undefined;
  if (boss) await (await boss).stop({ graceful: options.graceful ?? false, timeout: options.timeout ?? 5_000, wait: true, close: true });
}

/** Sends a job; its id. */
export async function enqueueJob(name: TQueueName, data: object, options: PgBoss.SendOptions = {}): Promise<string> {
  const boss = await getQueue();
  const id = await boss.send(name, data, { ...QUEUE_POLICY[name], ...options });
  if (!id) throw new AppError("CONFLICT", "The job was not queued (a duplicate is pending)");
  return id;
}

/** Waits for a job to finish and returns its output; UNAVAILABLE on failure or timeout. */
export async function awaitJob<T>(name: TQueueName, id: string, options: { timeoutMs?: number; pollMs?: number } = {}): Promise<T> {
  const boss = await getQueue();
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    const job = await boss.getJobById<object>(name, id, { includeArchive: true });
    if (job?.state === "completed") return job.output as T;
    if (job && (job.state === "failed" || job.state === "cancelled")) {
      const message = (job.output as { message?: string; value?: { message?: string } } | null)?.message ?? (job.output as { value?: { message?: string } } | null)?.value?.message;
      throw new AppError("UNAVAILABLE", `The ${name} job failed${message ? `: ${message}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 200));
  }
  await boss.cancel(name, id).catch(() => {});
  throw new AppError("UNAVAILABLE", `The ${name} job did not finish in time (is the worker running?)`);
}
