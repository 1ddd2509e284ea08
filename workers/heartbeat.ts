// The worker's heartbeat: a row per worker process, refreshed every few seconds, read by /api/health.
import os from "node:os";
import type { PrismaClient } from "../lib/generated/prisma/client.ts";

export const HEARTBEAT_INTERVAL_MS = 5_000;
/** A worker not seen for this long is dead: the runs it held are retried elsewhere. */
export const HEARTBEAT_STALE_MS = 30_000;

export function startHeartbeat(db: PrismaClient, info: () => Record<string, unknown>, options: { intervalMs?: number } = {}) {
  const id = `${os.hostname()}:${process.pid}`;
  const startedAt = new Date();
  const beat = async () => {
    const now = new Date();
    await db.workerHeartbeat.upsert({
      where: { id },
      create: { id, hostname: os.hostname(), pid: process.pid, startedAt, seenAt: now, info: info() as object },
      update: { seenAt: now, info: info() as object },
    });
  };
  let timer: NodeJS.Timeout | undefined;
  const loop = async () => {
    try {
      await beat();
    } catch (err) {
      console.error(`[worker] heartbeat failed: ${(err as Error).message.split("\n")[0]}`);
    }
    timer = setTimeout(loop, options.intervalMs ?? HEARTBEAT_INTERVAL_MS);
  };
  const first = loop();
  return {
    id,
    ready: first,
    /** Beats now (e.g. right after taking a job, so the recovery sweep sees who holds it). */
    beat,
    /** Stops beating and removes the row, so health shows the worker gone at once. */
    stop: async () => {
      clearTimeout(timer);
      await db.workerHeartbeat.deleteMany({ where: { id } }).catch(() => {});
    },
  };
}
