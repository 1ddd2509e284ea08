import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { requireProjectAccess } from "@/lib/permissions";
import { wilsonInterval } from "@/lib/ranking/wilson";
import type { TComparisonSummary } from "@/lib/schemas/training";
import { isUndecided } from "./is-undecided";

/** The project's blind comparisons, newest first, each with A's win rate over B and whether it is decided yet. */
export async function listComparisons(options: { user: TSessionUser; projectId: string }): Promise<{ items: TComparisonSummary[] }> {
  await requireProjectAccess(options.user, options.projectId, "review");
  const rows = await db.comparison.findMany({
    where: { projectId: options.projectId },
    orderBy: { createdAt: "desc" },
    select: {
      id: true, status: true, createdAt: true,
      versionA: { select: { id: true, name: true } },
      versionB: { select: { id: true, name: true } },
      _count: { select: { items: true } },
    },
  });
  const votes = await db.comparisonVote.findMany({
    where: { item: { comparisonId: { in: rows.map((c) => c.id) } } },
    select: { winner: true, item: { select: { comparisonId: true } } },
  });
  const byComparison = new Map<string, { votes: number; a: number; games: number }>();
  for (const v of votes) {
    const t = byComparison.get(v.item.comparisonId) ?? { votes: 0, a: 0, games: 0 };
    t.votes++;
    if (v.winner !== "both_bad") {
      t.games++;
      t.a += v.winner === "A" ? 1 : v.winner === "tie" ? 0.5 : 0;
    }
    byComparison.set(v.item.comparisonId, t);
  }
  return {
    items: rows.map((c) => {
      const t = byComparison.get(c.id) ?? { votes: 0, a: 0, games: 0 };
      const ci = wilsonInterval(t.a, t.games);
      return {
        id: c.id, status: c.status, versionA: c.versionA, versionB: c.versionB, items: c._count.items, votes: t.votes,
        winRateA: t.games ? t.a / t.games : null, winRateACi: ci, undecided: isUndecided(ci), createdAt: c.createdAt.toISOString(),
      };
    }),
  };
}
