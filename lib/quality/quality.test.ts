import { describe, expect, it } from "vitest";
import { kendallTauB } from "@/lib/quality/kendall";
import { krippendorffAlpha } from "@/lib/quality/krippendorff";
import { rankingPairs } from "@/lib/quality/pairs";
import { rankedPairsConsensus } from "@/lib/quality/consensus";
import { checkGoldRanking } from "@/lib/quality/gold";
import { median } from "@/lib/quality/ranks";

describe("Kendall's tau-b", () => {
  it("is 1 for identical and -1 for reversed rankings", () => {
    expect(kendallTauB([["a"], ["b"], ["c"]], [["a"], ["b"], ["c"]])).toBe(1);
    expect(kendallTauB([["a"], ["b"], ["c"]], [["c"], ["b"], ["a"]])).toBe(-1);
  });

  it("handles ties (hand-computed)", () => {
    // a: x0 y1 z2 w3; b: y0 x1 z1 w2
    // (x,y) discordant; (x,z) tied in b; (x,w) (y,z) (y,w) (z,w) concordant
    // C = 4, D = 1, n0 = 6, n1 = 0, n2 = 1: tau_b = 3 / sqrt(6 * 5) = 0.547722...
    const tau = kendallTauB([["x"], ["y"], ["z"], ["w"]], [["y"], ["x", "z"], ["w"]]);
    expect(tau).toBeCloseTo(3 / Math.sqrt(30), 10);
    expect(tau).toBeCloseTo(0.5477225575, 9);
  });

  it("is undefined when one side ties everything or fewer than 2 items are shared", () => {
    expect(kendallTauB([["a", "b", "c"]], [["a"], ["b"], ["c"]])).toBeNull();
    expect(kendallTauB([["a"], ["b"]], [["a"], ["c"]])).toBeNull();
  });
});

describe("Krippendorff's alpha", () => {
  it("nominal (hand-computed)", () => {
    // units [1,1], [2,2], [1,2]: o11 = 2, o22 = 2, o12 = o21 = 1; n1 = n2 = 3, n = 6
    // D_o = 2 / 6 = 1/3; D_e = (3*3 + 3*3) / (6*5) = 0.6; alpha = 1 - (1/3)/0.6 = 4/9
    expect(krippendorffAlpha([[1, 1], [2, 2], [1, 2]], "nominal")).toBeCloseTo(4 / 9, 10);
  });

  it("interval (hand-computed)", () => {
    // units [1,2], [3,3], [5,4]: n1 = n2 = n4 = n5 = 1, n3 = 2, n = 6
    // D_o = (2*1 + 2*1) / 6 = 2/3
    // sum_{c<k} n_c n_k (c-k)^2 = 1+8+9+16+2+4+9+2+8+1 = 60, ordered 120; D_e = 120 / 30 = 4
    // alpha = 1 - (2/3)/4 = 5/6
    expect(krippendorffAlpha([[1, 2], [3, 3], [5, 4]], "interval")).toBeCloseTo(5 / 6, 10);
  });

  it("ordinal (hand-computed)", () => {
    // same data; delta(c,k) = (sum_{g=c..k} n_g - (n_c + n_k)/2)^2
    // D_o = (2*1 + 2*1) / 6 = 2/3 (delta(1,2) = delta(4,5) = 1)
    // sum_{c<k} n_c n_k delta = 1+12.5+16+25+4.5+9+16+4.5+12.5+1 = 102, ordered 204; D_e = 204/30 = 6.8
    // alpha = 1 - (2/3)/6.8 = 0.9019607...
    expect(krippendorffAlpha([[1, 2], [3, 3], [5, 4]], "ordinal")).toBeCloseTo(1 - 2 / 3 / 6.8, 10);
  });

  it("is 1 for perfect agreement with some variation, null with no variation, and ignores single values", () => {
    expect(krippendorffAlpha([[1, 1], [2, 2], [3]], "nominal")).toBe(1);
    expect(krippendorffAlpha([[1, 1], [1, 1]], "nominal")).toBeNull();
  });

  it("weights units with 3 coders by 1/(m-1)", () => {
    // units [a,a,b], [b,b]: unit 1 adds (1/2) per ordered pair: o_aa = 1, o_ab = o_ba = 1; unit 2 o_bb = 2
    // n_a = 2, n_b = 3, n = 5; D_o = 2/5; D_e = 2*2*3 / (5*4) = 0.6; alpha = 1 - 0.4/0.6 = 1/3
    expect(krippendorffAlpha([["a", "a", "b"], ["b", "b"]], "nominal")).toBeCloseTo(1 / 3, 10);
  });
});

describe("preference pairs", () => {
  it("a 4-way ranking gives C(4,2) = 6 pairs, a tie removes one", () => {
    expect(rankingPairs([["a"], ["b"], ["c"], ["d"]])).toHaveLength(6);
    expect(rankingPairs([["a"], ["b", "c"], ["d"]])).toEqual([
      { chosen: "a", rejected: "b" },
      { chosen: "a", rejected: "c" },
      { chosen: "a", rejected: "d" },
      { chosen: "b", rejected: "d" },
      { chosen: "c", rejected: "d" },
    ]);
    expect(rankingPairs([["a", "b"]])).toEqual([]);
  });
});

describe("ranked-pairs consensus", () => {
  it("breaks a Condorcet cycle by locking the earliest strongest pairs", () => {
    // margins a>b = b>c = c>a = +1; lock a>b, b>c; c>a would close a cycle
    expect(rankedPairsConsensus([[["a"], ["b"], ["c"]], [["b"], ["c"], ["a"]], [["c"], ["a"], ["b"]]])).toEqual([["a"], ["b"], ["c"]]);
  });

  it("keeps items with a zero margin tied", () => {
    // R1 a > {b,c}; R2 b > a > c: margin(a,b) = 0, margin(a,c) = 2, margin(b,c) = 1
    expect(rankedPairsConsensus([[["a"], ["b", "c"]], [["b"], ["a"], ["c"]]])).toEqual([["a", "b"], ["c"]]);
  });
});

describe("gold check", () => {
  it("passes at tau >= 0.5 or when the top answer is found", () => {
    const gold = [["x"], ["y"], ["z"], ["w"]];
    expect(checkGoldRanking([["x"], ["y"], ["z"], ["w"]], gold)).toEqual({ passed: true, tau: 1 });
    expect(checkGoldRanking([["w"], ["z"], ["y"], ["x"]], gold)).toEqual({ passed: false, tau: -1 });
    // x first, the rest reversed: C = 3, D = 3, tau = 0, but the top answer matches
    expect(checkGoldRanking([["x"], ["w"], ["z"], ["y"]], gold)).toEqual({ passed: true, tau: 0 });
    // everything tied: no tau, no top answer
    expect(checkGoldRanking([["x", "y", "z", "w"]], gold).passed).toBe(false);
  });

  it("median", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
