import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { requireProjectAccess } from "@/lib/permissions";

/**
 * The task and the caller's latest assignment on it, after checking they may label in its project
 * (outsiders get 404, as for the project itself).
 */
export async function findOwnAssignment(options: { user: TSessionUser; taskId: string }) {
  const task = await db.task.findUnique({
    where: { id: options.taskId },
    select: {
      id: true, projectId: true, promptId: true, kind: true, status: true, labelsNeeded: true, labelsDone: true,
      prompt: { select: { isGold: true, goldAnswer: true } },
      project: { select: { flags: true, leaseMinutes: true } },
      responses: { orderBy: { position: "asc" }, select: { responseId: true } },
    },
  });
  if (!task) throw AppError.notFound("Task");
  await requireProjectAccess(options.user, task.projectId, "label").catch((err) => {
    if (err instanceof AppError && err.code === "NOT_FOUND") throw AppError.notFound("Task");
    throw err;
  });
  const assignment = await db.taskAssignment.findFirst({
    where: { taskId: task.id, userId: options.user.id },
    orderBy: { leasedAt: "desc" },
    select: { id: true, status: true, expiresAt: true, submittedAt: true, orderSeed: true },
  });
  return { task, assignment };
}
