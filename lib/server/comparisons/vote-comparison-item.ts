import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { requireProjectAccess } from "@/lib/permissions";
import type { TComparisonChoice } from "@/lib/schemas/training";

/** Records a reviewer's blind vote, un-blinded into version terms (A, B, tie, both_bad). One vote per item and reviewer. */
export async function voteComparisonItem(options: { user: TSessionUser; itemId: string; choice: TComparisonChoice }) {
  const item = await db.comparisonItem.findUnique({ where: { id: options.itemId }, select: { id: true, swapped: true, comparison: { select: { projectId: true, status: true } } } });
  if (!item) throw AppError.notFound("Comparison item");
  await requireProjectAccess(options.user, item.comparison.projectId, "review");
  if (item.comparison.status === "closed") throw new AppError("CONFLICT", "The comparison is closed");
  const c = options.choice;
  const winner = c === "tie" || c === "both_bad" ? c : (c === "left") !== item.swapped ? "A" : "B";
  try {
    await db.comparisonVote.create({ data: { itemId: item.id, userId: options.user.id, winner } });
  } catch (err) {
    if ((err as { code?: string }).code === "P2002") throw new AppError("CONFLICT", "You already voted on this item");
    throw err;
  }
  return { itemId: item.id, recorded: true };
}
