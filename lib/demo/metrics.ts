// What the demo's report measures, as pure functions over oracle scores and reward-model scores.

export const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

/**
 * Win rate of A against B on paired samples (same prompt, same sample index): a win counts 1, a tie 1/2.
 * 0.5 = no better than B.
 */
export function winRate(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error("winRate: paired samples of equal length expected");
  if (!a.length) return Number.NaN;
  let w = 0;
  for (let i = 0; i < a.length; i++) w += a[i] > b[i] ? 1 : a[i] === b[i] ? 0.5 : 0;
  return w / a.length;
}

/**
 * Agreement of the reward model with the oracle on pairs the oracle does not tie: the share of pairs it
 * orders the same way (a reward tie counts 1/2). 0.5 is chance.
 */
export function pairAccuracy(pairs: readonly { gold: [number, number]; reward: [number, number] }[]): { accuracy: number; pairs: number } {
  let n = 0;
  let right = 0;
  for (const p of pairs) {
    const dg = p.gold[0] - p.gold[1];
    if (dg === 0) continue;
    const dr = p.reward[0] - p.reward[1];
    n += 1;
    right += dr === 0 ? 0.5 : Math.sign(dr) === Math.sign(dg) ? 1 : 0;
  }
  return { accuracy: n ? right / n : Number.NaN, pairs: n };
}

/** Every unordered pair of indices 0..k-1. */
export function allPairs(k: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) out.push([i, j]);
  return out;
}

/** Mean and sample standard deviation. */
export function meanStd(xs: readonly number[]): { mean: number; std: number } {
  const m = mean(xs);
  const v = xs.length > 1 ? xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1) : 0;
  return { mean: m, std: Math.sqrt(v) };
}
