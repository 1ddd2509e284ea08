import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { requireProjectAccess } from "@/lib/permissions";
import type { TComparisonItemView } from "@/lib/schemas/training";

/** An item the reviewer has not voted on, answers as left/right in the item's blind order; null when done. */
export async function getNextComparisonItem(options: { user: TSessionUser; comparisonId: string }): Promise<TComparisonItemView | null> {
  const c = await db.comparison.findUnique({ where: { id: options.comparisonId }, select: { id: true, projectId: true, status: true } });
  if (!c) throw AppError.notFound("Comparison");
  await requireProjectAccess(options.user, c.projectId, "review");
  const open = { comparisonId: c.id, votes: { none: { userId: options.user.id } } };
  const remaining = await db.comparisonItem.count({ where: open });
  if (!remaining) return null;
  const [item] = await db.comparisonItem.findMany({ where: open, skip: Math.floor(Math.random() * remaining), take: 1 });
  if (!item) return null;
  // swapped: B is shown on the left.
  return {
    itemId: item.id,
    comparisonId: c.id,
    prompt: item.promptText,
    left: item.swapped ? item.answerB : item.answerA,
    right: item.swapped ? item.answerA : item.answerB,
    remaining,
  };
}
