import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { findOwnAssignment } from "@/lib/server/labeling/find-own-assignment";

/** Gives a leased task back with a reason; it returns to the pool and is never offered to the caller again. */
export async function skipTask(options: { user: TSessionUser; taskId: string; reason: string }) {
  const { assignment, task } = await findOwnAssignment({ user: options.user, taskId: options.taskId });
  if (!assignment || (assignment.status !== "LEASED" && assignment.status !== "EXPIRED")) {
    throw new AppError("CONFLICT", assignment?.status === "SUBMITTED" ? "You already submitted this task" : "You hold no lease on this task");
  }
  // Conditional on the status checked above, in the one statement that writes: a submit racing this skip
  // leaves either a submitted label or a skipped lease, never a skipped lease with a live label.
  const skipped = await db.taskAssignment.updateMany({
    where: { id: assignment.id, status: { in: ["LEASED", "EXPIRED"] } },
    data: { status: "SKIPPED", skipReason: options.reason || null },
  });
  if (skipped.count === 0) throw new AppError("CONFLICT", "You already submitted this task");
  await db.taskDraft.deleteMany({ where: { taskId: task.id, userId: options.user.id } });
  return { taskId: task.id, skipped: true as const };
}
