import type { TGroups } from "@/lib/quality/ranks";

/**
 * Every (better, worse) pair a ranking states: for K items with no ties, all C(K, 2) pairs; items in
 * one group are tied and give no pair. Ordered best-first, then by position inside the groups.
 */
export function rankingPairs(groups: TGroups): { chosen: string; rejected: string }[] {
  const pairs: { chosen: string; rejected: string }[] = [];
  for (let i = 0; i < groups.length; i++) {
    for (let j = i + 1; j < groups.length; j++) {
      for (const chosen of groups[i]) for (const rejected of groups[j]) pairs.push({ chosen, rejected });
    }
  }
  return pairs;
}
