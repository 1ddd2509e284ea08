// Simulated labelers: they rank by the oracle's hidden score g with noise. Pairs follow Bradley-Terry,
// P(A > B) = sigmoid((g_A - g_B) / T); K-way rankings follow Plackett-Luce: the best is drawn with
// probability proportional to exp(g / T), then the best of the rest, and so on (drawn exactly by sorting
// g / T + Gumbel noise). T -> 0 ranks by g exactly; large T ranks at random. Identical answers are tied.
import type { DemoRng } from "./random.ts";

export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Bradley-Terry probability that A is preferred to B. */
export function bradleyTerry(gA: number, gB: number, temperature: number): number {
  if (temperature <= 0) return gA > gB ? 1 : gA < gB ? 0 : 0.5;
  return sigmoid((gA - gB) / temperature);
}

/** A Plackett-Luce draw: indices best to worst. */
export function plackettLuce(scores: readonly number[], temperature: number, rng: DemoRng): number[] {
  const keys = scores.map((g, i) => ({ i, k: temperature <= 0 ? g + 1e-9 * rng.next() : g / temperature + rng.gumbel() }));
  return keys.sort((a, b) => b.k - a.k).map((x) => x.i);
}

/**
 * A ranking of a task's responses as the API takes it: groups of response ids, best first. Responses
 * with the same text share a group (a person ties identical answers). The noise is drawn in the order of
 * the texts, not the order given (the API shuffles answers per labeler): the same `rng` ranks the same
 * answers the same way however they are shown.
 */
export function rankResponses(
  responses: readonly { id: string; text: string }[],
  score: (text: string) => number,
  temperature: number,
  rng: DemoRng,
): string[][] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const sorted = responses.map((r) => ({ id: r.id, text: r.text, key: r.text.trim() })).sort((a, b) => cmp(a.key, b.key) || cmp(a.id, b.id));
  const order = plackettLuce(sorted.map((r) => score(r.text)), temperature, rng);
  const groups: string[][] = [];
  const byText = new Map<string, string[]>();
  for (const i of order) {
    const { id, key } = sorted[i];
    const g = byText.get(key);
    if (g) g.push(id);
    else {
      const group = [id];
      byText.set(key, group);
      groups.push(group);
    }
  }
  return groups;
}
