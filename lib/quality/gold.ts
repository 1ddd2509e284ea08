import { kendallTauB } from "@/lib/quality/kendall";
import { restrictGroups, type TGroups } from "@/lib/quality/ranks";

/** tau-b against gold at or above this passes a ranking's gold check. */
export const GOLD_TAU_THRESHOLD = 0.5;

/**
 * Gold check of a ranking: the gold ranking is restricted to the task's responses; the label passes when
 * Kendall's tau-b against it is >= 0.5, or when the labeler's top group contains a response of gold's
 * top group (the best answer was found even if the rest is shuffled). `tau` is null when undefined.
 */
export function checkGoldRanking(label: TGroups, gold: TGroups): { passed: boolean; tau: number | null } {
  const items = label.flat();
  const g = restrictGroups(gold, items);
  if (g.length === 0) return { passed: true, tau: null };
  const tau = kendallTauB(label, g);
  // A labeler who ties everything does not "find" the best answer.
  const topMatches = label.length > 1 && label[0].some((id) => g[0].includes(id));
  return { passed: (tau !== null && tau >= GOLD_TAU_THRESHOLD) || topMatches, tau };
}
