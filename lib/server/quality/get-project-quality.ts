import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { requireProjectAccess } from "@/lib/permissions";
import { krippendorffAlpha } from "@/lib/quality/krippendorff";
import { mean, median } from "@/lib/quality/ranks";
import { labelSignals } from "@/lib/quality/signals";
import type { TProjectQualityResponse } from "@/lib/schemas/labeling";
import { loadProjectLabels } from "@/lib/server/quality/load-project-labels";

// Quality of a project's labels, overall and per labeler (see lib/schemas/labeling.ts for the rules):
// count, median time, agreement (tau-b between labelers of the same task; Krippendorff's alpha, nominal
// for flags, interval for 1-7 scores) and gold accuracy. Rejected labels count towards `count` and
// `rejected` but not towards agreement or gold.

export async function getProjectQuality(options: { user: TSessionUser; projectId: string }): Promise<TProjectQualityResponse> {
  await requireProjectAccess(options.user, options.projectId, "review");
  const { rankings, pairwise, demonstrations, comparable, goldByTask } = await loadProjectLabels({ projectId: options.projectId });
  const statusById = new Map([...rankings, ...pairwise].map((l) => [l.id, l.status]));
  const live = comparable.filter((l) => statusById.get(l.id) !== "REJECTED");
  const { signals, pairTaus } = labelSignals(live, goldByTask);

  // Krippendorff units: per task and response, what each labeler said.
  const flagUnits = new Map<string, number[]>();
  const scoreUnits = new Map<string, number[]>();
  /** Who coded each unit, for the per-labeler alphas. */
  const coders = new Map<string, Set<string>>();
  const coded = (k: string, userId: string) => coders.set(k, (coders.get(k) ?? new Set()).add(userId));
  const labelsPerTask = new Map<string, number>();
  for (const l of live) labelsPerTask.set(l.taskId, (labelsPerTask.get(l.taskId) ?? 0) + 1);
  const project = await db.project.findUniqueOrThrow({ where: { id: options.projectId }, select: { flags: true } });
  for (const l of live) {
    if ((labelsPerTask.get(l.taskId) ?? 0) < 2) continue;
    for (const r of l.responseIds) {
      for (const f of project.flags) {
        const k = `${l.taskId}/${r}/${f}`;
        flagUnits.set(k, [...(flagUnits.get(k) ?? []), l.flags[r]?.includes(f) ? 1 : 0]);
        coded(k, l.userId);
      }
      const s = l.scores[r];
      if (typeof s === "number") {
        scoreUnits.set(`${l.taskId}/${r}`, [...(scoreUnits.get(`${l.taskId}/${r}`) ?? []), s]);
        coded(`${l.taskId}/${r}`, l.userId);
      }
    }
  }

  const all = [
    ...rankings.map((r) => ({ id: r.id, userId: r.userId, time: r.timeSpentMs, status: r.status })),
    ...pairwise.map((r) => ({ id: r.id, userId: r.userId, time: r.timeSpentMs, status: r.status })),
    ...demonstrations.map((r) => ({ id: r.id, userId: r.userId, time: r.timeSpentMs, status: r.status })),
  ];
  const userIds = [...new Set(all.map((l) => l.userId))];
  const users = await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true, name: true } });
  const goldOf = (ids: string[]) => {
    const checked = ids.map((id) => signals.get(id)?.goldPassed).filter((g): g is boolean => g !== null && g !== undefined);
    return { goldAccuracy: checked.length ? checked.filter(Boolean).length / checked.length : null, goldChecked: checked.length };
  };
  const times = (ls: typeof all) => ls.map((l) => l.time).filter((t): t is number => typeof t === "number");

  const unitsOf = (units: Map<string, number[]>, userId: string) => [...units].filter(([k]) => coders.get(k)?.has(userId)).map(([, v]) => v);
  const labelers = users.map((u) => {
    const mine = all.filter((l) => l.userId === u.id);
    const myTaus = mine.flatMap((l) => {
      const s = signals.get(l.id);
      return s && s.agreement !== null ? [s.agreement] : [];
    });
    const comparisons = mine.reduce((n, l) => n + (signals.get(l.id)?.comparisons ?? 0), 0);
    return {
      userId: u.id,
      email: u.email,
      name: u.name,
      count: mine.length,
      medianTimeMs: median(times(mine)),
      agreement: {
        kendallTau: mean(myTaus),
        comparisons,
        alphaFlags: krippendorffAlpha(unitsOf(flagUnits, u.id), "nominal"),
        alphaScores: krippendorffAlpha(unitsOf(scoreUnits, u.id), "interval"),
      },
      ...goldOf(mine.map((l) => l.id)),
      rejected: mine.filter((l) => l.status === "REJECTED").length,
    };
  });
  labelers.sort((a, b) => b.count - a.count || a.email.localeCompare(b.email));

  return {
    project: {
      count: all.length,
      labelers: users.length,
      medianTimeMs: median(times(all)),
      agreement: {
        kendallTau: mean(pairTaus),
        comparisons: pairTaus.length,
        alphaFlags: krippendorffAlpha([...flagUnits.values()], "nominal"),
        alphaScores: krippendorffAlpha([...scoreUnits.values()], "interval"),
      },
      ...goldOf(live.map((l) => l.id)),
    },
    labelers,
  };
}
