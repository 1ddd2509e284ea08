import "server-only";
import crypto from "node:crypto";
import { Prisma, sqlQuery } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { checkProjectAccess, projectPermissionFrom } from "@/lib/permissions";
import { checkGoldRanking } from "@/lib/quality/gold";
import { UNDO_WINDOW_MS, type TSubmitTaskRequest, type TSubmitTaskResponse } from "@/lib/schemas/labeling";
import { orderResponses } from "@/lib/server/labeling/order-responses";
import { SQL_NOW } from "@/lib/server/labeling/sql-now";
import { validateSubmission, type TValidLabel } from "@/lib/server/labeling/validate-submission";

// Stores the caller's label for a task they hold a live lease on: the assignment becomes SUBMITTED, the
// task's labelsDone goes up (COMPLETE at labelsNeeded), a demonstration also becomes a HUMAN response of
// the prompt. The project's review policy decides the label's status: with reviewRequired every new label
// is PENDING (held for review, kept out of snapshots until a reviewer accepts or corrects it); without it
// labels are ACCEPTED at once, except a ranking or pairwise label on a gold item that fails the gold
// check, which is PENDING.
// Hot path: one query reads the task and the caller's assignment, one statement writes everything
// (data-modifying CTEs: atomic, and nothing is written unless the lease is still live).

type TLoaded = {
  id: string; projectId: string; promptId: string; kind: "DEMONSTRATION" | "RANKING" | "PAIRWISE";
  isGold: boolean; goldAnswer: { ranking?: string[][] } | null; flags: string[]; reviewRequired: boolean; responseIds: string[] | null;
  assignmentId: string | null; assignmentStatus: string | null; expiresAt: Date | null; orderSeed: number | null;
  memberRole: string | null;
};

function labelInsert(label: TValidLabel, ids: { labelId: string; taskId: string; userId: string; promptId: string }, request: TSubmitTaskRequest, status: string) {
  const common = Prisma.sql`${ids.labelId}, ${ids.taskId}, ${ids.userId}, a.id, ${request.rationale ?? null}::text, ${request.timeSpentMs ?? null}::int, ${status}::"LabelStatus"`;
  const cols = Prisma.raw(`id, "taskId", "userId", "assignmentId", rationale, "timeSpentMs", status`);
  if (label.kind === "RANKING") {
    return Prisma.sql`l AS (
      INSERT INTO "Ranking" (${cols}, groups, flags, scores, "allBad", "orderAction")
      SELECT ${common}, ${JSON.stringify(label.groups)}::jsonb, ${JSON.stringify(label.flags)}::jsonb, ${JSON.stringify(label.scores)}::jsonb, ${label.allBad}::boolean, ${label.orderAction}::text FROM a
      RETURNING id)`;
  }
  if (label.kind === "PAIRWISE") {
    return Prisma.sql`l AS (
      INSERT INTO "PairwiseLabel" (${cols}, choice, strength, flags)
      SELECT ${common}, ${label.choice}::text, ${label.strength}::int, ${JSON.stringify(label.flags)}::jsonb FROM a
      RETURNING id)`;
  }
  return Prisma.sql`l AS (
      INSERT INTO "Demonstration" (${cols}, text)
      SELECT ${common}, ${label.text}::text FROM a
      RETURNING id),
    h AS (
      INSERT INTO "Response" (id, "promptId", text, source, "authorId")
      SELECT ${crypto.randomUUID()}, ${ids.promptId}, ${label.text}::text, 'HUMAN', ${ids.userId} FROM a
      RETURNING id)`;
}

export async function submitTask(options: { user: TSessionUser; taskId: string; request: TSubmitTaskRequest }): Promise<TSubmitTaskResponse> {
  const { user, request } = options;
  // One trip: the task, its prompt's gold answer, the project's flags, the caller's latest assignment and
  // their membership (requireProjectAccess's rules, applied below).
  const [task] = await sqlQuery<TLoaded>(Prisma.sql`
    SELECT t.id, t."projectId", t."promptId", t.kind::text AS kind, p."isGold", p."goldAnswer", pr.flags, pr."reviewRequired",
      (SELECT m.role::text FROM "ProjectMember" m WHERE m."projectId" = t."projectId" AND m."userId" = ${user.id}) AS "memberRole",
      (SELECT array_agg(tr."responseId" ORDER BY tr.position) FROM "TaskResponse" tr WHERE tr."taskId" = t.id) AS "responseIds",
      a.id AS "assignmentId", a.status::text AS "assignmentStatus", a."expiresAt", a."orderSeed"
    FROM "Task" t
      JOIN "Prompt" p ON p.id = t."promptId"
      JOIN "Project" pr ON pr.id = t."projectId"
      LEFT JOIN LATERAL (
        SELECT * FROM "TaskAssignment" x WHERE x."taskId" = t.id AND x."userId" = ${user.id} ORDER BY x."leasedAt" DESC LIMIT 1
      ) a ON true
    WHERE t.id = ${options.taskId}`);
  if (!task) throw AppError.notFound("Task");
  const perm = projectPermissionFrom(user, task.projectId, { memberRole: task.memberRole });
  if (!perm) throw AppError.notFound("Task");
  checkProjectAccess(perm, "label");
  if (!task.assignmentId || task.assignmentStatus === "SKIPPED" || task.assignmentStatus === "UNDONE") {
    throw AppError.forbidden("You hold no lease on this task: get one from GET /api/v1/projects/{id}/tasks/next");
  }
  if (task.assignmentStatus === "SUBMITTED") throw new AppError("CONFLICT", "You already submitted this task");
  const expiresAt = new Date(task.expiresAt!);
  if (task.assignmentStatus === "EXPIRED" || expiresAt <= new Date()) {
    throw new AppError("CONFLICT", `Your lease on this task expired at ${expiresAt.toISOString()}; ask for a new task`);
  }
  const responseIds = task.responseIds ?? [];
  const label = validateSubmission({
    kind: task.kind,
    responseIds,
    shownFirst: orderResponses(responseIds, task.orderSeed ?? 0)[0],
    projectFlags: task.flags,
    request,
  });

  let status: "ACCEPTED" | "PENDING" = task.reviewRequired ? "PENDING" : "ACCEPTED";
  const gold = task.isGold ? task.goldAnswer : null;
  if (gold?.ranking) {
    if (label.kind === "RANKING" && !checkGoldRanking(label.groups, gold.ranking).passed) status = "PENDING";
    if (label.kind === "PAIRWISE") {
      const [a, b] = responseIds;
      const g = checkGoldRanking([[a], [b]], gold.ranking);
      const goldSide = g.tau === null ? null : g.tau > 0 ? "A" : "B";
      if (goldSide && label.choice !== goldSide) status = "PENDING";
    }
  }

  const labelId = crypto.randomUUID();
  const insert = labelInsert(label, { labelId, taskId: task.id, userId: user.id, promptId: task.promptId }, request, status);
  const rows = await sqlQuery<{ labelsDone: number; labelsNeeded: number; status: "OPEN" | "COMPLETE" | "CLOSED"; submittedAt: Date }>(Prisma.sql`
    WITH a AS (
      UPDATE "TaskAssignment" SET status = 'SUBMITTED', "submittedAt" = ${SQL_NOW}
      WHERE id = ${task.assignmentId} AND status = 'LEASED' AND "expiresAt" > ${SQL_NOW}
      RETURNING id, "submittedAt"),
    ${insert},
    d AS (
      DELETE FROM "TaskDraft" WHERE "taskId" = ${task.id} AND "userId" = ${user.id} AND EXISTS (SELECT 1 FROM a)),
    t AS (
      UPDATE "Task" SET "labelsDone" = "labelsDone" + 1,
        status = CASE WHEN status = 'OPEN' AND "labelsDone" + 1 >= "labelsNeeded" THEN 'COMPLETE'::"TaskStatus" ELSE status END
      WHERE id = ${task.id} AND EXISTS (SELECT 1 FROM a)
      RETURNING "labelsDone", "labelsNeeded", status::text AS status)
    SELECT t."labelsDone", t."labelsNeeded", t.status, (SELECT "submittedAt" FROM a) AS "submittedAt" FROM t`);
  const updated = rows[0];
  if (!updated) throw new AppError("CONFLICT", "This lease is no longer live (expired or already submitted)");
  return {
    taskId: task.id,
    kind: task.kind,
    labelId,
    taskStatus: updated.status,
    labelsDone: updated.labelsDone,
    labelsNeeded: updated.labelsNeeded,
    undoUntil: new Date(new Date(updated.submittedAt).getTime() + UNDO_WINDOW_MS).toISOString(),
  };
}
