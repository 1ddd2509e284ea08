import "server-only";
import { db, Prisma } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { requireProjectAccess } from "@/lib/permissions";
import type { TKindParam, TReviewLabelRequest } from "@/lib/schemas/labeling";

// A reviewer's decision on one label: accept (ACCEPTED), correct (CORRECTED, with the corrected content
// that snapshots use instead of the labeler's) or reject (REJECTED: never reaches training data; the
// task reopens for one more label). Reviewers of the label's project (or admins) only; nobody but an
// admin reviews their own label.

type TStatus = "ACCEPTED" | "REJECTED" | "CORRECTED";

export async function reviewLabel(options: { user: TSessionUser; kind: TKindParam; labelId: string; request: TReviewLabelRequest }) {
  const { user, kind, labelId, request } = options;
  const select = { id: true, userId: true, status: true, taskId: true, task: { select: { projectId: true, responses: { select: { responseId: true } } } } } as const;
  const label =
    kind === "ranking" ? await db.ranking.findUnique({ where: { id: labelId }, select })
    : kind === "pairwise" ? await db.pairwiseLabel.findUnique({ where: { id: labelId }, select })
    : await db.demonstration.findUnique({ where: { id: labelId }, select });
  if (!label) throw AppError.notFound("Label");
  await requireProjectAccess(user, label.task.projectId, "review").catch((err) => {
    if (err instanceof AppError && err.code === "NOT_FOUND") throw AppError.notFound("Label");
    throw err;
  });
  if (label.userId === user.id && user.role !== "ADMIN") throw AppError.forbidden("You may not review your own label");

  const issue = (path: string, message: string) => new AppError("INVALID_INPUT", `${path}: ${message}`, [{ path, message }]);
  const data: Record<string, unknown> = {};
  const status: TStatus = request.decision === "accept" ? "ACCEPTED" : request.decision === "reject" ? "REJECTED" : "CORRECTED";
  if (request.decision === "correct") {
    if (kind === "ranking") {
      if (!request.correctedGroups) throw issue("correctedGroups", "required to correct a ranking");
      const ids = label.task.responses.map((r) => r.responseId).sort();
      const given = request.correctedGroups.flat();
      if (given.length !== ids.length || [...given].sort().join() !== ids.join()) {
        throw issue("correctedGroups", "must hold exactly the task's response ids, each once");
      }
      data.correctedGroups = request.correctedGroups;
    } else if (kind === "demonstration") {
      if (!request.correctedText) throw issue("correctedText", "required to correct a demonstration");
      data.correctedText = request.correctedText;
    } else {
      if (!request.correctedChoice) throw issue("correctedChoice", "required to correct a pairwise label");
      data.correctedChoice = request.correctedChoice;
    }
  } else if (request.correctedGroups || request.correctedText || request.correctedChoice) {
    throw issue("decision", 'corrections need decision "correct"');
  }

  const table = Prisma.raw(kind === "ranking" ? `"Ranking"` : kind === "pairwise" ? `"PairwiseLabel"` : `"Demonstration"`);
  return db.$transaction(async (tx) => {
    // Lock the task (its counts change) and the label, then decide on the label as it is now: of several
    // identical reviews at once, exactly one is applied.
    await tx.$queryRaw(Prisma.sql`SELECT id FROM "Task" WHERE id = ${label.taskId} FOR UPDATE`);
    const [row] = await tx.$queryRaw<{ status: TStatus | "PENDING"; current: unknown }[]>(Prisma.sql`
      SELECT status::text AS status,
        ${Prisma.raw(kind === "ranking" ? `"correctedGroups"` : kind === "pairwise" ? `"correctedChoice"` : `"correctedText"`)} AS current
      FROM ${table} WHERE id = ${labelId} FOR UPDATE`);
    if (!row) throw AppError.notFound("Label");
    const latest = await tx.labelReview.findFirst({
      where: kind === "ranking" ? { rankingId: labelId } : kind === "pairwise" ? { pairwiseId: labelId } : { demonstrationId: labelId },
      orderBy: { createdAt: "desc" },
      select: { decision: true },
    });
    const sameContent = request.decision !== "correct" || JSON.stringify(row.current) === JSON.stringify(Object.values(data)[0]);
    if (row.status === status && latest?.decision === request.decision && sameContent) {
      throw new AppError("CONFLICT", `This label is already ${status.toLowerCase()}${request.decision === "correct" ? " with this correction" : ""}`);
    }
    const update = { status, ...data } as never;
    if (kind === "ranking") await tx.ranking.update({ where: { id: labelId }, data: update });
    else if (kind === "pairwise") await tx.pairwiseLabel.update({ where: { id: labelId }, data: update });
    else await tx.demonstration.update({ where: { id: labelId }, data: update });
    const wasRejected = row.status === "REJECTED";
    if (status === "REJECTED" && !wasRejected) {
      await tx.$executeRaw(Prisma.sql`UPDATE "Task" SET "labelsDone" = GREATEST("labelsDone" - 1, 0),
        status = CASE WHEN status = 'COMPLETE' THEN 'OPEN'::"TaskStatus" ELSE status END WHERE id = ${label.taskId}`);
    } else if (status !== "REJECTED" && wasRejected) {
      await tx.$executeRaw(Prisma.sql`UPDATE "Task" SET "labelsDone" = "labelsDone" + 1,
        status = CASE WHEN status = 'OPEN' AND "labelsDone" + 1 >= "labelsNeeded" THEN 'COMPLETE'::"TaskStatus" ELSE status END WHERE id = ${label.taskId}`);
    }
    const review = await tx.labelReview.create({
      data: {
        reviewerId: user.id,
        decision: request.decision,
        comment: request.comment ?? null,
        ...(kind === "ranking" ? { rankingId: labelId } : kind === "pairwise" ? { pairwiseId: labelId } : { demonstrationId: labelId }),
      },
      select: { id: true },
    });
    return { id: labelId, kind, status, reviewId: review.id };
  });
}
