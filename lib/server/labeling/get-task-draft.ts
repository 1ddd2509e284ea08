import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { findOwnAssignment } from "@/lib/server/labeling/find-own-assignment";

/** The caller's draft of a task, or undefined (the route answers 204). */
export async function getTaskDraft(options: { user: TSessionUser; taskId: string }) {
  const { task } = await findOwnAssignment({ user: options.user, taskId: options.taskId });
  const row = await db.taskDraft.findUnique({
    where: { taskId_userId: { taskId: task.id, userId: options.user.id } },
    select: { data: true, updatedAt: true },
  });
  return row ? { taskId: task.id, data: row.data, updatedAt: row.updatedAt.toISOString() } : undefined;
}
