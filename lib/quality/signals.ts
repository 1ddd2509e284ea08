import { checkGoldRanking } from "@/lib/quality/gold";
import { kendallTauB } from "@/lib/quality/kendall";
import { mean, type TGroups } from "@/lib/quality/ranks";

// Per-label quality signals from the labels of a project: agreement with the other labelers of the same
// task (mean Kendall tau-b), and the gold check. Pure: the caller loads the labels.

export type TComparableLabel = { id: string; taskId: string; userId: string; groups: TGroups };
export type TLabelSignal = { agreement: number | null; comparisons: number; goldPassed: boolean | null; goldTau: number | null };

/** A pairwise choice as groups over [a, b] (canonical order): tie and both_bad tie them. */
export function pairwiseGroups(choice: string, a: string, b: string): TGroups {
  if (choice === "A") return [[a], [b]];
  if (choice === "B") return [[b], [a]];
  return [[a, b]];
}

export function labelSignals(labels: TComparableLabel[], goldByTask: Map<string, TGroups>) {
  const byTask = new Map<string, TComparableLabel[]>();
  for (const l of labels) byTask.set(l.taskId, [...(byTask.get(l.taskId) ?? []), l]);
  const taus = new Map<string, number[]>();
  /** Every tau between two different labelers on one task (each pair once). */
  const pairTaus: number[] = [];
  for (const group of byTask.values()) {
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        if (group[i].userId === group[j].userId) continue;
        const tau = kendallTauB(group[i].groups, group[j].groups);
        if (tau === null) continue;
        pairTaus.push(tau);
        taus.set(group[i].id, [...(taus.get(group[i].id) ?? []), tau]);
        taus.set(group[j].id, [...(taus.get(group[j].id) ?? []), tau]);
      }
    }
  }
  const signals = new Map<string, TLabelSignal>();
  for (const l of labels) {
    const gold = goldByTask.get(l.taskId);
    const g = gold ? checkGoldRanking(l.groups, gold) : null;
    const t = taus.get(l.id) ?? [];
    signals.set(l.id, { agreement: mean(t), comparisons: t.length, goldPassed: g ? g.passed : null, goldTau: g ? g.tau : null });
  }
  return { signals, pairTaus };
}
