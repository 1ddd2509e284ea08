import "server-only";
import { Prisma, sqlQuery, type TSqlRunner } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { TChatMessage, TNextTaskResponse } from "@/lib/schemas/labeling";
import { orderResponses } from "@/lib/server/labeling/order-responses";

export type TTaskViewRow = {
  id: string; expiresAt: Date; orderSeed: number; taskId: string; kind: "DEMONSTRATION" | "RANKING" | "PAIRWISE";
  projectId: string; promptId: string; prompt: string; messages: TChatMessage[] | null; guidelines: string; flags: string[];
  responses: { id: string; text: string }[] | null; draft: unknown;
};

/**
 * The SELECT of a task view for the assignments in `assignments` (aliased `a`: a table or a CTE with id,
 * "taskId", "userId", "expiresAt", "orderSeed"), filtered by `where`. Claiming uses it on the row it
 * just inserted, so that lease and view take one statement.
 */
export function taskViewSql(assignments: Prisma.Sql, where: Prisma.Sql = Prisma.empty): Prisma.Sql {
  return Prisma.sql`
    SELECT a.id, a."expiresAt", a."orderSeed", t.id AS "taskId", t.kind::text AS kind, t."projectId", t."promptId",
      p.text AS prompt, p.messages, pr.guidelines, pr.flags,
      (SELECT json_agg(json_build_object('id', r.id, 'text', r.text) ORDER BY tr.position)
         FROM "TaskResponse" tr JOIN "Response" r ON r.id = tr."responseId" WHERE tr."taskId" = t.id) AS responses,
      (SELECT d.data FROM "TaskDraft" d WHERE d."taskId" = t.id AND d."userId" = a."userId") AS draft
    FROM ${assignments} a
      JOIN "Task" t ON t.id = a."taskId"
      JOIN "Prompt" p ON p.id = t."promptId"
      JOIN "Project" pr ON pr.id = t."projectId"
    ${where}`;
}

/** Runs a `taskViewSql` query and shapes its (single) row; NOT_FOUND when there is none. */
export async function loadTaskView(query: Prisma.Sql, runner?: TSqlRunner): Promise<TNextTaskResponse> {
  const [v] = await sqlQuery<TTaskViewRow>(query, runner);
  if (!v) throw AppError.notFound("Assignment");
  return shapeTaskView(v);
}

/** A `taskViewSql` row as the API returns it (responses in the assignment's own order). */
export function shapeTaskView(v: TTaskViewRow): TNextTaskResponse {
  return {
    id: v.taskId,
    kind: v.kind,
    projectId: v.projectId,
    promptId: v.promptId,
    prompt: v.prompt,
    messages: v.messages ?? null,
    responses: orderResponses(v.responses ?? [], v.orderSeed),
    guidelines: v.guidelines || undefined,
    assignmentId: v.id,
    leaseExpiresAt: new Date(v.expiresAt).toISOString(),
    flags: v.flags,
    scoreScale: { min: 1, max: 7 },
    ...(v.draft !== null && v.draft !== undefined ? { draft: v.draft } : {}),
  };
}

/**
 * What a labeler sees of a task they hold a lease on: prompt, responses in their own order (never the
 * source, model version or author), guidelines, flag names, the lease's end and their draft. One query
 * (this is on the labeling hot path).
 */
export async function getTaskView(options: { assignmentId: string }): Promise<TNextTaskResponse> {
  return loadTaskView(taskViewSql(Prisma.sql`"TaskAssignment"`, Prisma.sql`WHERE a.id = ${options.assignmentId}`));
}
