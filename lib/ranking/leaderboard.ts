import { bradleyTerry, eloRating, type TGame } from "@/lib/ranking/bradley-terry";
import { wilsonInterval } from "@/lib/ranking/wilson";

// One vote of a blind comparison, in version terms: the winner is "A", "B", "tie" or "both_bad".
export type TVote = { versionA: string; versionB: string; winner: "A" | "B" | "tie" | "both_bad" };

export type TStanding = {
  versionId: string;
  games: number;
  wins: number;
  losses: number;
  ties: number;
  bothBad: number;
  /** (wins + ties / 2) / games; both_bad votes are not games. */
  winRate: number | null;
  winRateCi: { low: number; high: number } | null;
  rating: number;
};

/** Win rates with Wilson 95% intervals and Bradley-Terry (Elo-scale) ratings per version. */
export function standings(votes: TVote[], options: { prior?: number } = {}): TStanding[] {
  const rows = new Map<string, TStanding>();
  const row = (id: string) => {
    let r = rows.get(id);
    if (!r) rows.set(id, (r = { versionId: id, games: 0, wins: 0, losses: 0, ties: 0, bothBad: 0, winRate: null, winRateCi: null, rating: 1000 }));
    return r;
  };
  const games: TGame[] = [];
  for (const v of votes) {
    const a = row(v.versionA);
    const b = row(v.versionB);
    if (v.winner === "both_bad") {
      a.bothBad++;
      b.bothBad++;
      continue;
    }
    a.games++;
    b.games++;
    if (v.winner === "A") (a.wins++, b.losses++);
    else if (v.winner === "B") (b.wins++, a.losses++);
    else (a.ties++, b.ties++);
    games.push({ a: v.versionA, b: v.versionB, score: v.winner === "A" ? 1 : v.winner === "B" ? 0 : 0.5 });
  }
  const strengths = bradleyTerry(games, { prior: options.prior ?? 0.5 });
  for (const r of rows.values()) {
    if (r.games > 0) {
      const s = r.wins + r.ties / 2;
      r.winRate = s / r.games;
      r.winRateCi = wilsonInterval(s, r.games);
    }
    const st = strengths.get(r.versionId);
    r.rating = st && st > 0 ? eloRating(st) : 1000;
  }
  return [...rows.values()].sort((x, y) => y.rating - x.rating);
}
