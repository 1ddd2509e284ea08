import "server-only";
import { Prisma, sqlQuery } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { requireProjectAccess } from "@/lib/permissions";
import { FEEDBACK_PROMPT_CHARS, type TFeedbackItem, type TFeedbackResponse } from "@/lib/schemas/labeling";

// What reviewers said about the caller's own labels in one project (any member; outsiders get 404):
// each review's decision and comment, the label's kind and current status, its task and the prompt's
// start, newest review first. Only labels whose author is the caller are read, so nobody sees feedback
// meant for someone else.

type TRow = {
  id: string; decision: TFeedbackItem["decision"]; comment: string | null; reviewedAt: Date;
  kind: TFeedbackItem["label"]["kind"]; labelId: string; status: TFeedbackItem["label"]["status"]; labelCreatedAt: Date;
  taskId: string; prompt: string;
};

/** The caller's labels of one kind with their reviews. */
const reviewed = (kind: TFeedbackItem["label"]["kind"], table: string, column: string, userId: string) => Prisma.sql`
  SELECT ${kind}::text AS kind, l.id AS "labelId", l."taskId", l.status::text AS status, l."createdAt" AS "labelCreatedAt",
    r.id, r.decision, r.comment, r."createdAt" AS "reviewedAt"
  FROM "LabelReview" r JOIN ${Prisma.raw(`"${table}"`)} l ON l.id = r.${Prisma.raw(`"${column}"`)}
  WHERE l."userId" = ${userId}`;

export async function listMyFeedback(options: { user: TSessionUser; projectId: string; limit: number }): Promise<TFeedbackResponse> {
  const { user, projectId, limit } = options;
  await requireProjectAccess(user, projectId, "label");
  const rows = await sqlQuery<TRow>(Prisma.sql`
    SELECT x.*, t.id AS "taskId", left(p.text, ${FEEDBACK_PROMPT_CHARS}::int) AS prompt
    FROM (
      ${reviewed("ranking", "Ranking", "rankingId", user.id)}
      UNION ALL ${reviewed("pairwise", "PairwiseLabel", "pairwiseId", user.id)}
      UNION ALL ${reviewed("demonstration", "Demonstration", "demonstrationId", user.id)}
    ) x
      JOIN "Task" t ON t.id = x."taskId"
      JOIN "Prompt" p ON p.id = t."promptId"
    WHERE t."projectId" = ${projectId}
    ORDER BY x."reviewedAt" DESC, x.id DESC
    LIMIT ${limit}::int`);
  return {
    items: rows.map((r) => ({
      id: r.id,
      decision: r.decision,
      comment: r.comment,
      reviewedAt: new Date(r.reviewedAt).toISOString(),
      taskId: r.taskId,
      prompt: r.prompt,
      label: { kind: r.kind, id: r.labelId, status: r.status, createdAt: new Date(r.labelCreatedAt).toISOString() },
    })),
  };
}
