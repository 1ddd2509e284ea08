// The training worker: its own process (started by `npm start`; more can run on other machines against
// the same DATABASE_URL). It reports a heartbeat and runs queued jobs.
import { createPrismaClient } from "../lib/db.ts";
import { startHeartbeat } from "./heartbeat.ts";

async function main() {
  const db = createPrismaClient();
  const info: Record<string, unknown> = { startedAt: new Date().toISOString(), node: process.version };
  const heartbeat = startHeartbeat(db, () => info);
  await heartbeat.ready;
  console.log(`[worker] up as ${heartbeat.id}`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
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
