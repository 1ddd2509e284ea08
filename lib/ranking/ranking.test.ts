import { describe, expect, it } from "vitest";
import { wilsonInterval } from "@/lib/ranking/wilson";
import { bradleyTerry, eloRating } from "@/lib/ranking/bradley-terry";
import { standings } from "@/lib/ranking/leaderboard";

describe("Wilson interval", () => {
  it("matches hand-computed values", () => {
    // 8 of 10, z = 1.96: centre (0.8 + 0.19208) / 1.38416 = 0.71674; half 1.96 * sqrt(0.016 + 0.0096040) / 1.38416 = 0.22656
    const ci = wilsonInterval(8, 10)!;
    expect(ci.low).toBeCloseTo(0.4902, 3);
    expect(ci.high).toBeCloseTo(0.9433, 3);
    // 0 of 10: [0, 3.8415 / 13.8415] = [0, 0.2775]
    const zero = wilsonInterval(0, 10)!;
    expect(zero.low).toBeCloseTo(0, 6);
    expect(zero.high).toBeCloseTo(0.2775, 3);
    // 5 of 10 is symmetric around 0.5: 0.5 -/+ 1.96 * sqrt(0.025 + 0.009604) / 1.38416 = 0.5 -/+ 0.2634
    const half = wilsonInterval(5, 10)!;
    expect(half.low).toBeCloseTo(0.2366, 3);
    expect(half.high).toBeCloseTo(0.7634, 3);
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});

describe("Bradley-Terry", () => {
  it("two players, 3 wins to 1: strengths in ratio 3, ratings 190.85 apart", () => {
    const games = [
      { a: "x", b: "y", score: 1 },
      { a: "x", b: "y", score: 1 },
      { a: "y", b: "x", score: 0 },
      { a: "x", b: "y", score: 0 },
    ];
    const p = bradleyTerry(games);
    expect(p.get("x")! / p.get("y")!).toBeCloseTo(3, 6);
    // geometric mean 1: x = sqrt(3), y = 1 / sqrt(3)
    expect(p.get("x")!).toBeCloseTo(Math.sqrt(3), 6);
    expect(eloRating(p.get("x")!) - eloRating(p.get("y")!)).toBeCloseTo(190.85, 2);
  });

  it("three players in a cycle with equal records are equal; ties count half", () => {
    const p = bradleyTerry([
      { a: "a", b: "b", score: 1 },
      { a: "b", b: "c", score: 1 },
      { a: "c", b: "a", score: 1 },
    ]);
    for (const v of p.values()) expect(v).toBeCloseTo(1, 6);
    const t = bradleyTerry([{ a: "a", b: "b", score: 0.5 }]);
    expect(t.get("a")).toBeCloseTo(1, 6);
  });

  it("a chain a > b > c: hand-solved MLE (a beats b 2-1, b beats c 2-1) gives ratio 2 at each step", () => {
    // With only a-b and b-c games the likelihood factorises: p_a/p_b = 2, p_b/p_c = 2.
    const games = [
      { a: "a", b: "b", score: 1 }, { a: "a", b: "b", score: 1 }, { a: "a", b: "b", score: 0 },
      { a: "b", b: "c", score: 1 }, { a: "b", b: "c", score: 1 }, { a: "b", b: "c", score: 0 },
    ];
    const p = bradleyTerry(games);
    expect(p.get("a")! / p.get("b")!).toBeCloseTo(2, 5);
    expect(p.get("b")! / p.get("c")!).toBeCloseTo(2, 5);
  });
});

describe("standings", () => {
  it("counts wins, losses, ties and both-bad votes per version; win rate counts ties half", () => {
    const rows = standings([
      { versionA: "v1", versionB: "v2", winner: "A" },
      { versionA: "v1", versionB: "v2", winner: "A" },
      { versionA: "v1", versionB: "v2", winner: "tie" },
      { versionA: "v2", versionB: "v1", winner: "A" },
      { versionA: "v1", versionB: "v2", winner: "both_bad" },
    ]);
    const v1 = rows.find((r) => r.versionId === "v1")!;
    expect(v1).toMatchObject({ games: 4, wins: 2, losses: 1, ties: 1, bothBad: 1 });
    expect(v1.winRate).toBeCloseTo(2.5 / 4, 9);
    expect(v1.winRateCi!.low).toBeLessThan(0.625);
    expect(rows[0].versionId).toBe("v1");
    expect(rows[0].rating).toBeGreaterThan(rows[1].rating);
  });
});
