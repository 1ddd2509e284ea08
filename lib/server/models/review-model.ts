import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import type { TReviewModelRequest } from "@/lib/schemas/training";
import { requireModelAccess } from "@/lib/server/models/get-model";

/** A reviewer's approve / reject of a version, with a comment. The production version cannot be rejected here (roll back first). */
export async function reviewModel(options: { user: TSessionUser; versionId: string; request: TReviewModelRequest }) {
  const v = await requireModelAccess(options.user, options.versionId, "review");
  if (v.status === "PRODUCTION" && options.request.decision === "reject") throw new AppError("CONFLICT", "The production version cannot be rejected: roll back first");
  if (v.status === "ARCHIVED") throw new AppError("CONFLICT", "The version is archived");
  const status = v.status === "PRODUCTION" ? "PRODUCTION" : options.request.decision === "approve" ? "APPROVED" : "REJECTED";
  await db.$transaction([
    db.modelReview.create({ data: { modelVersionId: v.id, reviewerId: options.user.id, decision: options.request.decision, comment: options.request.comment || null } }),
    db.modelVersion.update({ where: { id: v.id }, data: { status } }),
  ]);
  return { id: v.id, status };
}
