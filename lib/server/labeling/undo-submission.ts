import "server-only";
import { db, Prisma } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { UNDO_WINDOW_MS } from "@/lib/schemas/labeling";
import { findOwnAssignment } from "@/lib/server/labeling/find-own-assignment";

/**
 * Takes back the caller's last submission (it must be on this task, at most 5 minutes old, not yet
 * reviewed): the label is deleted (with the HUMAN response a demonstration made), the task reopens and
 * the lease returns to the caller for the project's lease time, same response order. Every check is made
 * inside the transaction that acts, on locked rows: of several undos at once exactly one succeeds.
 */
export async function undoSubmission(options: { user: TSessionUser; taskId: string }) {
  const { user } = options;
  const { task, assignment } = await findOwnAssignment({ user, taskId: options.taskId });
  if (!assignment) throw new AppError("CONFLICT", "You have no submission on this task to undo");

  return db.$transaction(async (tx) => {
    // Lock the task row, as claims do, before changing its counts; then the assignment, and re-read it.
    await tx.$queryRaw(Prisma.sql`SELECT id FROM "Task" WHERE id = ${task.id} FOR UPDATE`);
    const [current] = await tx.$queryRaw<{ status: string; submittedAt: Date | null }[]>(
      Prisma.sql`SELECT status::text AS status, "submittedAt" FROM "TaskAssignment" WHERE id = ${assignment.id} FOR UPDATE`,
    );
    if (!current || current.status !== "SUBMITTED" || !current.submittedAt) throw new AppError("CONFLICT", "You have no submission on this task to undo");
    if (Date.now() - current.submittedAt.getTime() > UNDO_WINDOW_MS) throw new AppError("CONFLICT", "Submissions can only be undone within 5 minutes");
    const last = await tx.taskAssignment.findFirst({
      where: { userId: user.id, status: "SUBMITTED" },
      orderBy: { submittedAt: "desc" },
      select: { id: true },
    });
    if (last?.id !== assignment.id) throw new AppError("CONFLICT", "Only your last submission can be undone");
    const where = { assignmentId: assignment.id };
    const reviewed =
      (await tx.labelReview.count({ where: { OR: [{ ranking: where }, { demonstration: where }, { pairwise: where }] } })) > 0;
    if (reviewed) throw new AppError("CONFLICT", "This label has been reviewed and can no longer be undone");
    const demo = await tx.demonstration.findUnique({ where, select: { id: true, text: true } });
    if (demo) {
      const resp = await tx.response.findFirst({
        where: { promptId: task.promptId, authorId: user.id, source: "HUMAN", text: demo.text },
        orderBy: { createdAt: "desc" },
        select: { id: true },
      });
      if (resp) await tx.response.delete({ where: { id: resp.id } });
    }
    await tx.demonstration.deleteMany({ where });
    await tx.ranking.deleteMany({ where });
    await tx.pairwiseLabel.deleteMany({ where });
    const expiresAt = new Date(Date.now() + task.project.leaseMinutes * 60_000);
    await tx.taskAssignment.update({ where: { id: assignment.id }, data: { status: "LEASED", submittedAt: null, leasedAt: new Date(), expiresAt } });
    await tx.$executeRaw(Prisma.sql`
      UPDATE "Task" SET "labelsDone" = GREATEST("labelsDone" - 1, 0),
        status = CASE WHEN status = 'COMPLETE' THEN 'OPEN'::"TaskStatus" ELSE status END
      WHERE id = ${task.id}`);
    return { taskId: task.id, assignmentId: assignment.id, leaseExpiresAt: expiresAt.toISOString() };
  });
}
