import "server-only";
import { db, type Prisma } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { findOwnAssignment } from "@/lib/server/labeling/find-own-assignment";

/** Saves the caller's work in progress on a task they hold (or held) a lease on. */
export async function saveTaskDraft(options: { user: TSessionUser; taskId: string; data: unknown }) {
  const { assignment, task } = await findOwnAssignment({ user: options.user, taskId: options.taskId });
  if (!assignment || assignment.status !== "LEASED") throw new AppError("CONFLICT", "You hold no lease on this task");
  const data = options.data as Prisma.InputJsonValue;
  const row = await db.taskDraft.upsert({
    where: { taskId_userId: { taskId: task.id, userId: options.user.id } },
    create: { taskId: task.id, userId: options.user.id, data },
    update: { data },
    select: { updatedAt: true },
  });
  return { taskId: task.id, updatedAt: row.updatedAt.toISOString() };
}
