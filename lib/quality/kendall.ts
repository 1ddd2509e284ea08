import { rankOf, type TGroups } from "@/lib/quality/ranks";

/**
 * Kendall's tau-b between two rankings (groups best to worst, ties allowed), over the items both rank:
 *   tau_b = (C - D) / sqrt((n0 - n1) (n0 - n2))
 * with C / D the concordant / discordant pairs, n0 = n(n-1)/2, n1 / n2 the pairs tied in the first /
 * second ranking. A pair tied in either ranking is neither concordant nor discordant. Null when it is
 * undefined (fewer than 2 shared items, or one ranking ties everything).
 */
export function kendallTauB(a: TGroups, b: TGroups): number | null {
  const ra = rankOf(a);
  const rb = rankOf(b);
  const items = [...ra.keys()].filter((id) => rb.has(id));
  const n = items.length;
  if (n < 2) return null;
  let concordant = 0;
  let discordant = 0;
  let tiedA = 0;
  let tiedB = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const da = Math.sign(ra.get(items[i])! - ra.get(items[j])!);
      const db = Math.sign(rb.get(items[i])! - rb.get(items[j])!);
      if (da === 0) tiedA++;
      if (db === 0) tiedB++;
      if (da !== 0 && db !== 0) {
        if (da === db) concordant++;
        else discordant++;
      }
    }
  }
  const n0 = (n * (n - 1)) / 2;
  const denom = Math.sqrt((n0 - tiedA) * (n0 - tiedB));
  return denom === 0 ? null : (concordant - discordant) / denom;
}
