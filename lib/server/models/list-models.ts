import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { requireProjectAccess } from "@/lib/permissions";
import type { TModelSummary } from "@/lib/schemas/training";
import { modelSummarySelect, toSummary } from "@/lib/server/models/get-model";

/** The project's model versions, oldest first (so parents come before children). Reviewers and admins. */
export async function listModels(options: { user: TSessionUser; projectId: string }): Promise<TModelSummary[]> {
  await requireProjectAccess(options.user, options.projectId, "review");
  const rows = await db.modelVersion.findMany({ where: { projectId: options.projectId }, orderBy: { createdAt: "asc" }, select: modelSummarySelect });
  return rows.map(toSummary);
}
