// Rankings as groups best to worst ([["a"], ["b", "c"], ["d"]]: b and c tied) and the helpers the
// quality maths share. Pure: no database.

export type TGroups = string[][];

/** Rank of each item: its group's index (0 = best). Tied items share a rank. */
export function rankOf(groups: TGroups): Map<string, number> {
  const ranks = new Map<string, number>();
  groups.forEach((g, i) => g.forEach((id) => ranks.set(id, i)));
  return ranks;
}

/** The groups restricted to `keep` (empty groups dropped). */
export function restrictGroups(groups: TGroups, keep: Iterable<string>): TGroups {
  const set = new Set(keep);
  return groups.map((g) => g.filter((id) => set.has(id))).filter((g) => g.length > 0);
}

export function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function mean(values: number[]): number | null {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}
