import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { TChatMessage, TNextTaskResponse } from "@/lib/schemas/labeling";
import { orderResponses } from "@/lib/server/labeling/order-responses";

/**
 * What a labeler sees of a task they hold a lease on: prompt, responses in their own order (never the
 * source, model version or author), guidelines, flag names, the lease's end and their draft. One query
 * (this is on the labeling hot path).
 */
export async function getTaskView(options: { assignmentId: string }): Promise<TNextTaskResponse> {
  const rows = await db.$queryRaw<{
    id: string; expiresAt: Date; orderSeed: number; taskId: string; kind: "DEMONSTRATION" | "RANKING" | "PAIRWISE";
    projectId: string; promptId: string; prompt: string; messages: TChatMessage[] | null; guidelines: string; flags: string[];
    responses: { id: string; text: string }[] | null; draft: unknown;
  }[]>`
    SELECT a.id, a."expiresAt", a."orderSeed", t.id AS "taskId", t.kind::text AS kind, t."projectId", t."promptId",
      p.text AS prompt, p.messages, pr.guidelines, pr.flags,
      (SELECT json_agg(json_build_object('id', r.id, 'text', r.text) ORDER BY tr.position)
         FROM "TaskResponse" tr JOIN "Response" r ON r.id = tr."responseId" WHERE tr."taskId" = t.id) AS responses,
      (SELECT d.data FROM "TaskDraft" d WHERE d."taskId" = t.id AND d."userId" = a."userId") AS draft
    FROM "TaskAssignment" a
      JOIN "Task" t ON t.id = a."taskId"
      JOIN "Prompt" p ON p.id = t."promptId"
      JOIN "Project" pr ON pr.id = t."projectId"
    WHERE a.id = ${options.assignmentId}`;
  const v = rows[0];
  if (!v) throw AppError.notFound("Assignment");
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
