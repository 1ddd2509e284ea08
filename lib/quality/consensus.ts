import { rankingPairs } from "@/lib/quality/pairs";
import type { TGroups } from "@/lib/quality/ranks";

/**
 * Consensus of several rankings of the same items by ranked pairs (Tideman; what Open-Assistant uses):
 * 1. margin(x, y) = #rankings with x above y - #rankings with y above x;
 * 2. take the pairs with a positive margin, largest first (ties broken by item order), and lock each
 *    unless it would make a cycle with those already locked;
 * 3. read the locked graph top-down: the items nobody beats form the first group, and so on. Items
 *    with no locked pair between them in one layer are tied.
 * Items are those of the first ranking.
 */
export function rankedPairsConsensus(rankings: TGroups[]): TGroups {
  if (!rankings.length) return [];
  if (rankings.length === 1) return rankings[0].map((g) => [...g]);
  const items = rankings[0].flat();
  const margin = new Map<string, number>();
  const key = (a: string, b: string) => `${a}\u0000${b}`;
  for (const r of rankings) {
    for (const { chosen, rejected } of rankingPairs(r)) {
      margin.set(key(chosen, rejected), (margin.get(key(chosen, rejected)) ?? 0) + 1);
      margin.set(key(rejected, chosen), (margin.get(key(rejected, chosen)) ?? 0) - 1);
    }
  }
  const candidates: { a: string; b: string; m: number; order: number }[] = [];
  items.forEach((a, i) => items.forEach((b, j) => {
    const m = margin.get(key(a, b)) ?? 0;
    if (m > 0) candidates.push({ a, b, m, order: i * items.length + j });
  }));
  candidates.sort((x, y) => y.m - x.m || x.order - y.order);
  const beats = new Map<string, Set<string>>(items.map((i) => [i, new Set<string>()]));
  const reaches = (from: string, to: string): boolean => {
    const stack = [from];
    const seen = new Set<string>();
    while (stack.length) {
      const cur = stack.pop()!;
      if (cur === to) return true;
      if (seen.has(cur)) continue;
      seen.add(cur);
      for (const next of beats.get(cur)!) stack.push(next);
    }
    return false;
  };
  for (const { a, b } of candidates) if (!reaches(b, a)) beats.get(a)!.add(b);
  const remaining = new Set(items);
  const groups: TGroups = [];
  while (remaining.size) {
    const top = [...remaining].filter((x) => ![...remaining].some((y) => beats.get(y)!.has(x)));
    groups.push(top);
    top.forEach((t) => remaining.delete(t));
  }
  return groups;
}
