// Bradley-Terry strengths from pairwise outcomes: P(i beats j) = p_i / (p_i + p_j). Fitted with the
// minorisation-maximisation iteration of Hunter (2004): p_i <- W_i / sum_j n_ij / (p_i + p_j), then
// normalised to a geometric mean of 1. A tie counts half a win for each side (as FastChat's arena does).
// Ratings are on the Elo scale: 400 * log10(p_i) + 1000, so a 3:1 head-to-head gives a gap of
// 400 * log10(3) = 190.8 points.

export type TGame = { a: string; b: string; /** 1: a won, 0: b won, 0.5: tie */ score: number };

export interface BradleyTerryOptions {
  /** Pseudo-games: each pair that met gets this many extra ties (keeps unbeaten players finite). Default 0. */
  prior?: number;
  maxIter?: number;
  tol?: number;
}

/** Strengths p_i (geometric mean 1) of every player that appears in `games`. */
export function bradleyTerry(games: TGame[], options: BradleyTerryOptions = {}): Map<string, number> {
  const players = [...new Set(games.flatMap((g) => [g.a, g.b]))].sort();
  const idx = new Map(players.map((p, i) => [p, i]));
  const k = players.length;
  const wins = new Array<number>(k).fill(0);
  const n = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const g of games) {
    const i = idx.get(g.a)!;
    const j = idx.get(g.b)!;
    if (i === j) continue;
    wins[i] += g.score;
    wins[j] += 1 - g.score;
    n[i][j] += 1;
    n[j][i] += 1;
  }
  const prior = options.prior ?? 0;
  if (prior > 0) {
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) if (i !== j && n[i][j] > 0) {
      n[i][j] += prior;
      wins[i] += prior / 2;
    }
  }
  let p = new Array<number>(k).fill(1);
  for (let iter = 0; iter < (options.maxIter ?? 10_000); iter++) {
    const next = p.map((pi, i) => {
      let denom = 0;
      for (let j = 0; j < k; j++) if (n[i][j] > 0) denom += n[i][j] / (pi + p[j]);
      return denom > 0 ? wins[i] / denom : pi;
    });
    // Normalise: geometric mean 1 (players with zero strength are left out of the mean).
    const pos = next.filter((x) => x > 0);
    const g = pos.length ? Math.exp(pos.reduce((a, x) => a + Math.log(x), 0) / pos.length) : 1;
    const normed = next.map((x) => x / g);
    const delta = Math.max(...normed.map((x, i) => Math.abs(x - p[i])));
    p = normed;
    if (delta < (options.tol ?? 1e-10)) break;
  }
  return new Map(players.map((pl, i) => [pl, p[i]]));
}

/** Elo-scale rating of a strength (a strength of 0 maps to -Infinity; use a prior to avoid it). */
export function eloRating(strength: number): number {
  return 400 * Math.log10(strength) + 1000;
}
