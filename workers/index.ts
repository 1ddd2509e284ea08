// The training worker: its own process (started by `npm start`; more can run on other machines against
// the same DATABASE_URL). It reports a heartbeat (with the runs it holds) and works the queue's jobs:
// training runs, generation, candidate answers, comparisons; every minute it evaluates schedules.
import { createPrismaClient } from "../lib/db.ts";
import { startHeartbeat } from "./heartbeat.ts";
import { startJobWorkers } from "./queue/index.ts";

async function main() {
  const db = createPrismaClient();
  const activeRuns = new Set<string>();
  const info = () => ({ startedAt, node: process.version, runs: [...activeRuns] });
  const startedAt = new Date().toISOString();
  const heartbeat = startHeartbeat(db, info);
  await heartbeat.ready;
  const log = (line: string) => console.log(`[worker] ${line}`);
  const jobs = await startJobWorkers({ workerId: heartbeat.id, activeRuns, beat: heartbeat.beat, log });
  log(`up as ${heartbeat.id}, working the queue`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log("stopping: interrupting running stages (they resume from their checkpoints)");
    await jobs.stop().catch((err) => log(`queue stop: ${(err as Error).message}`));
    await heartbeat.stop();
    await db.$disconnect();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((err) => {
  console.error(`[worker] ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
