import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { requireProjectAccess } from "@/lib/permissions";
import { standings, type TVote } from "@/lib/ranking/leaderboard";
import type { TLeaderboardResponse } from "@/lib/schemas/training";
import { isUndecided } from "./is-undecided";

/** Every blind vote of the project: win rates (Wilson 95% intervals, flagged when too wide to decide) and Bradley-Terry ratings per version. */
export async function getLeaderboard(options: { user: TSessionUser; projectId: string }): Promise<TLeaderboardResponse> {
  await requireProjectAccess(options.user, options.projectId, "review");
  const votes = await db.comparisonVote.findMany({
    where: { item: { comparison: { projectId: options.projectId } } },
    select: { winner: true, item: { select: { comparison: { select: { versionAId: true, versionBId: true } } } } },
  });
  const rows = standings(votes.map((v): TVote => ({ versionA: v.item.comparison.versionAId, versionB: v.item.comparison.versionBId, winner: v.winner as TVote["winner"] })));
  const meta = await db.modelVersion.findMany({ where: { id: { in: rows.map((r) => r.versionId) } }, select: { id: true, name: true, kind: true, status: true } });
  const byId = new Map(meta.map((m) => [m.id, m]));
  return {
    votes: votes.length,
    items: rows.map((r) => ({ ...r, undecided: isUndecided(r.winRateCi), name: byId.get(r.versionId)?.name ?? r.versionId, kind: byId.get(r.versionId)?.kind ?? "", status: byId.get(r.versionId)?.status ?? "" })),
  };
}
