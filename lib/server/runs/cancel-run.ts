import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { requireRunAccess } from "@/lib/server/runs/get-run";

/**
 * Asks a run to stop. A queued run is cancelled at once; a running one stops at its next step (the
 * worker reads cancelRequested every few seconds, checkpoints and marks it CANCELLED).
 */
export async function cancelRun(options: { user: TSessionUser; runId: string }) {
  await requireRunAccess(options.user, options.runId, "manage");
  const run = await db.trainingRun.findUniqueOrThrow({ where: { id: options.runId }, select: { status: true } });
  if (run.status !== "QUEUED" && run.status !== "RUNNING") throw new AppError("CONFLICT", `The run has already ${run.status.toLowerCase()}`);
  await db.trainingRun.update({ where: { id: options.runId }, data: { cancelRequested: true } });
  // Not started yet: cancel now (the job, when it starts, sees the flag and does nothing).
  const now = new Date();
  const cancelled = await db.trainingRun.updateMany({
    where: { id: options.runId, status: "QUEUED", startedAt: null, leaseOwner: null },
    data: { status: "CANCELLED", finishedAt: now },
  });
  if (cancelled.count) await db.trainingStage.updateMany({ where: { runId: options.runId, status: "QUEUED" }, data: { status: "CANCELLED", finishedAt: now } });
  await db.runLog.create({ data: { runId: options.runId, level: "warn", message: `Cancellation requested by ${options.user.email}.` } });
  return { id: options.runId, status: cancelled.count ? "CANCELLED" : run.status, cancelRequested: true };
}
