import "server-only";
import crypto from "node:crypto";
import { Prisma, sqlQuery, sqlTransaction, SqlPoolTimeoutError, type TaskKind } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { checkProjectAccess, projectPermissionFrom } from "@/lib/permissions";
import type { TNextTaskResponse } from "@/lib/schemas/labeling";
import { getTaskView, shapeTaskView, taskViewSql, type TTaskViewRow } from "@/lib/server/labeling/get-task-view";
import { SQL_NOW } from "@/lib/server/labeling/sql-now";

// Hands the caller the next task they may do, leased to them for the project's lease time, or null.
// A task is offered when it is OPEN, of the asked kind, not done / skipped / held by the caller, shows no
// response the caller wrote, and its submitted labels plus live leases are below labelsNeeded.
// Concurrency: a candidate is locked with FOR UPDATE SKIP LOCKED; then, with the row lock held, the
// INSERT of the lease recounts labels and live leases in a fresh statement (so it sees every lease
// committed before it) and writes nothing when the task is full. Submit, undo and review lock the same
// row, so no item ever gets more labels than it needs however many labelers race.

const ATTEMPTS = 8;

/**
 * The oldest open task of the project (and kind) the user may take, locked FOR UPDATE SKIP LOCKED; `tried`
 * are tasks this claim already found full. The per-task checks run on the open tasks oldest first until
 * one passes (LIMIT 1), never on every open task before sorting (with 10,000 open tasks that took 0.8 s).
 * With a kind (the UI always sends one) the tasks come straight off the index on ("projectId", kind,
 * status, "createdAt", id) in that order: no sort, and a task passed over costs its heap row and its
 * lease count. Without one, the open tasks' ids are sorted first (fenced by OFFSET 0) and checked in that
 * order. Whatever the order, the INSERT in `claimNextTask` is what guarantees no task gets more labels
 * than it needs.
 */
export function nextCandidateSql(options: { projectId: string; userId: string; kind?: TaskKind; tried: string[] }): Prisma.Sql {
  const { projectId, userId, kind, tried } = options;
  const open = kind
    ? Prisma.sql`"Task" t WHERE t."projectId" = ${projectId} AND t.status = 'OPEN' AND t.kind = ${kind}::"TaskKind"`
    : Prisma.sql`(SELECT c.id FROM "Task" c WHERE c."projectId" = ${projectId} AND c.status = 'OPEN'
                  ORDER BY c."createdAt", c.id OFFSET 0) c
                 JOIN "Task" t ON t.id = c.id WHERE t.status = 'OPEN'`;
  return Prisma.sql`
    SELECT t.id
    FROM ${open}
      AND NOT (t.id = ANY(${tried}::text[]))
      AND t."labelsDone" + (
        SELECT count(*) FROM "TaskAssignment" a
        WHERE a."taskId" = t.id AND a.status = 'LEASED' AND a."expiresAt" > ${SQL_NOW}) < t."labelsNeeded"
      AND NOT EXISTS (
        SELECT 1 FROM "TaskAssignment" a
        WHERE a."taskId" = t.id AND a."userId" = ${userId}
          AND (a.status IN ('SUBMITTED', 'SKIPPED') OR (a.status = 'LEASED' AND a."expiresAt" > ${SQL_NOW})))
      AND NOT EXISTS (
        SELECT 1 FROM "TaskResponse" tr JOIN "Response" r ON r.id = tr."responseId"
        WHERE tr."taskId" = t.id AND r."authorId" = ${userId})
    ${kind ? Prisma.sql`ORDER BY t."createdAt", t.id` : Prisma.empty}
    LIMIT 1
    FOR UPDATE OF t SKIP LOCKED`;
}

export async function claimNextTask(options: { user: TSessionUser; projectId: string; kind?: TaskKind }): Promise<TNextTaskResponse | null> {
  const { user, projectId, kind } = options;
  const kindFilter = kind ? Prisma.sql`AND t.kind = ${kind}::"TaskKind"` : Prisma.empty;

  // One trip: the project (access check: requireProjectAccess's rules on the caller's membership), its
  // lease time, and the caller's live lease (re-asking returns it).
  const [head] = await sqlQuery<{ leaseMinutes: number; memberRole: string | null; live: string | null }>(Prisma.sql`
    SELECT pr."leaseMinutes",
      (SELECT m.role::text FROM "ProjectMember" m WHERE m."projectId" = pr.id AND m."userId" = ${user.id}) AS "memberRole",
      (SELECT a.id FROM "TaskAssignment" a JOIN "Task" t ON t.id = a."taskId"
        WHERE a."userId" = ${user.id} AND a.status = 'LEASED' AND a."expiresAt" > ${SQL_NOW}
          AND t."projectId" = ${projectId} ${kindFilter}
        ORDER BY a."leasedAt" LIMIT 1) AS live
    FROM "Project" pr WHERE pr.id = ${projectId}`);
  checkProjectAccess(projectPermissionFrom(user, projectId, head ?? null), "label");
  if (head.live) return getTaskView({ assignmentId: head.live });

  try {
    return await sqlTransaction(async (tx) => {
      const tried: string[] = [];
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const rows = await sqlQuery<{ id: string }>(nextCandidateSql({ projectId, userId: user.id, kind, tried }), tx);
        if (!rows.length) return null;
        const taskId = rows[0].id;
        const id = crypto.randomUUID();
        // We hold the task's row lock: this statement sees every lease and label committed before it.
        // Leases of this task that ran out are marked EXPIRED on the way. The new lease's task view
        // comes back from the same statement.
        const inserted = await sqlQuery<TTaskViewRow>(Prisma.sql`
          WITH expired AS (
            UPDATE "TaskAssignment" SET status = 'EXPIRED'
            WHERE "taskId" = ${taskId} AND status = 'LEASED' AND "expiresAt" <= ${SQL_NOW}
            RETURNING id),
          ins AS (
            INSERT INTO "TaskAssignment" (id, "taskId", "userId", status, "leasedAt", "expiresAt", "orderSeed")
            SELECT ${id}, t.id, ${user.id}, 'LEASED', ${SQL_NOW}, ${SQL_NOW} + make_interval(mins => ${head.leaseMinutes}::int), ${crypto.randomInt(0, 2 ** 31 - 1)}::int
            FROM "Task" t
            WHERE t.id = ${taskId} AND t.status = 'OPEN'
              AND t."labelsDone" + (
                SELECT count(*) FROM "TaskAssignment" a
                WHERE a."taskId" = t.id AND a.status = 'LEASED' AND a."expiresAt" > ${SQL_NOW}) < t."labelsNeeded"
            RETURNING id, "taskId", "userId", "expiresAt", "orderSeed")
          ${taskViewSql(Prisma.sql`ins`)}`, tx);
        if (inserted.length) return shapeTaskView(inserted[0]);
        tried.push(taskId);
      }
      return null;
    });
  } catch (err) {
    // The connection pool stayed exhausted: say so instead of failing with a 500.
    if (err instanceof SqlPoolTimeoutError) {
      throw new AppError("UNAVAILABLE", "The server is busy handing out tasks; try again in a moment");
    }
    throw err;
  }
}
