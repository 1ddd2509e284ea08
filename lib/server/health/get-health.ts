import "server-only";
import { db } from "@/lib/db";

/** A worker counts as up when it wrote a heartbeat within this many seconds. */
export const WORKER_STALE_SECONDS = 30;

export type THealth = {
  status: "ok" | "degraded";
  app: { status: "ok"; uptimeSeconds: number };
  database: { status: "ok" | "down"; latencyMs?: number; error?: string };
  worker: { status: "ok" | "down"; workers: { id: string; hostname: string; lastSeenSecondsAgo: number; backend?: string }[] };
};

export async function getHealth(): Promise<THealth> {
  const started = Date.now();
  let database: THealth["database"];
  let worker: THealth["worker"] = { status: "down", workers: [] };
  try {
    await db.$queryRaw`SELECT 1`;
    database = { status: "ok", latencyMs: Date.now() - started };
    const beats = await db.workerHeartbeat.findMany({
      where: { seenAt: { gte: new Date(Date.now() - WORKER_STALE_SECONDS * 1000) } },
      orderBy: { seenAt: "desc" },
    });
    worker = {
      status: beats.length > 0 ? "ok" : "down",
      workers: beats.map((b) => ({
        id: b.id,
        hostname: b.hostname,
        lastSeenSecondsAgo: Math.round((Date.now() - b.seenAt.getTime()) / 1000),
        backend: (b.info as { backend?: string } | null)?.backend,
      })),
    };
  } catch (err) {
    database = { status: "down", error: err instanceof Error ? err.message.split("\n")[0] : String(err) };
  }
  const status = database.status === "ok" && worker.status === "ok" ? "ok" : "degraded";
  return { status, app: { status: "ok", uptimeSeconds: Math.round(process.uptime()) }, database, worker };
}
