import "server-only";
import crypto from "node:crypto";
import { db, Prisma, type TaskKind } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { requireProjectAccess } from "@/lib/permissions";
import type { TNextTaskResponse } from "@/lib/schemas/labeling";
import { getTaskView } from "@/lib/server/labeling/get-task-view";
import { SQL_NOW } from "@/lib/server/labeling/sql-now";

// Hands the caller the next task they may do, leased to them for the project's lease time, or null.
// A task is offered when it is OPEN, of the asked kind, not done / skipped / held by the caller, shows no
// response the caller wrote, and its submitted labels plus live leases are below labelsNeeded.
// Concurrency: a candidate is locked with FOR UPDATE SKIP LOCKED; then, with the row lock held, the
// INSERT of the lease recounts labels and live leases in a fresh statement (so it sees every lease
// committed before it) and writes nothing when the task is full. Submit, undo and review lock the same
// row, so no item ever gets more labels than it needs however many labelers race.

const ATTEMPTS = 8;

export async function claimNextTask(options: { user: TSessionUser; projectId: string; kind?: TaskKind }): Promise<TNextTaskResponse | null> {
  const { user, projectId, kind } = options;
  await requireProjectAccess(user, projectId, "label");
  const kindFilter = kind ? Prisma.sql`AND t.kind = ${kind}::"TaskKind"` : Prisma.empty;

  // Re-asking returns the caller's live lease (and we learn the lease time in the same trip).
  const [head] = await db.$queryRaw<{ leaseMinutes: number; live: string | null }[]>`
    SELECT pr."leaseMinutes",
      (SELECT a.id FROM "TaskAssignment" a JOIN "Task" t ON t.id = a."taskId"
        WHERE a."userId" = ${user.id} AND a.status = 'LEASED' AND a."expiresAt" > ${SQL_NOW}
          AND t."projectId" = ${projectId} ${kindFilter}
        ORDER BY a."leasedAt" LIMIT 1) AS live
    FROM "Project" pr WHERE pr.id = ${projectId}`;
  if (!head) throw AppError.notFound("Project");
  if (head.live) return getTaskView({ assignmentId: head.live });

  const assignmentId = await db.$transaction(async (tx) => {
    const tried: string[] = [];
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const rows = await tx.$queryRaw<{ id: string }[]>`
        SELECT t.id FROM "Task" t
        WHERE t."projectId" = ${projectId} AND t.status = 'OPEN' ${kindFilter}
          AND NOT (t.id = ANY(${tried}::text[]))
          AND NOT EXISTS (
            SELECT 1 FROM "TaskAssignment" a
            WHERE a."taskId" = t.id AND a."userId" = ${user.id}
              AND (a.status IN ('SUBMITTED', 'SKIPPED') OR (a.status = 'LEASED' AND a."expiresAt" > ${SQL_NOW})))
          AND NOT EXISTS (
            SELECT 1 FROM "TaskResponse" tr JOIN "Response" r ON r.id = tr."responseId"
            WHERE tr."taskId" = t.id AND r."authorId" = ${user.id})
          AND t."labelsDone" + (
            SELECT count(*) FROM "TaskAssignment" a
            WHERE a."taskId" = t.id AND a.status = 'LEASED' AND a."expiresAt" > ${SQL_NOW}) < t."labelsNeeded"
        ORDER BY t."createdAt", t.id
        LIMIT 1
        FOR UPDATE OF t SKIP LOCKED`;
      if (!rows.length) return null;
      const taskId = rows[0].id;
      const id = crypto.randomUUID();
      // We hold the task's row lock: this statement sees every lease and label committed before it.
      // Leases of this task that ran out are marked EXPIRED on the way.
      const inserted = await tx.$queryRaw<{ id: string }[]>`
        WITH expired AS (
          UPDATE "TaskAssignment" SET status = 'EXPIRED'
          WHERE "taskId" = ${taskId} AND status = 'LEASED' AND "expiresAt" <= ${SQL_NOW}
          RETURNING id)
        INSERT INTO "TaskAssignment" (id, "taskId", "userId", status, "leasedAt", "expiresAt", "orderSeed")
        SELECT ${id}, t.id, ${user.id}, 'LEASED', ${SQL_NOW}, ${SQL_NOW} + make_interval(mins => ${head.leaseMinutes}::int), ${crypto.randomInt(0, 2 ** 31 - 1)}::int
        FROM "Task" t
        WHERE t.id = ${taskId} AND t.status = 'OPEN'
          AND t."labelsDone" + (
            SELECT count(*) FROM "TaskAssignment" a
            WHERE a."taskId" = t.id AND a.status = 'LEASED' AND a."expiresAt" > ${SQL_NOW}) < t."labelsNeeded"
        RETURNING id`;
      if (inserted.length) return inserted[0].id;
      tried.push(taskId);
    }
    return null;
  }, { maxWait: 10_000, timeout: 15_000 }).catch((err) => {
    // The connection pool stayed exhausted: say so instead of failing with a 500.
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2028") {
      throw new AppError("UNAVAILABLE", "The server is busy handing out tasks; try again in a moment");
    }
    throw err;
  });
  return assignmentId ? getTaskView({ assignmentId }) : null;
}
