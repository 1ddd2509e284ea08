import { describe, expect, it } from "vitest";
import { labelSignals, pairwiseGroups } from "@/lib/quality/signals";

describe("label signals", () => {
  it("agreement is the mean tau-b with the other labelers of the task; gold is checked per label", () => {
    // task t: u1 a>b>c, u2 a>b>c (tau 1 with u1), u3 c>b>a (tau -1 with both)
    // u1: mean(1, -1) = 0; u2: 0; u3: mean(-1, -1) = -1; pairs: 1, -1, -1
    const labels = [
      { id: "l1", taskId: "t", userId: "u1", groups: [["a"], ["b"], ["c"]] },
      { id: "l2", taskId: "t", userId: "u2", groups: [["a"], ["b"], ["c"]] },
      { id: "l3", taskId: "t", userId: "u3", groups: [["c"], ["b"], ["a"]] },
      { id: "l4", taskId: "other", userId: "u1", groups: [["x"], ["y"]] },
    ];
    const { signals, pairTaus } = labelSignals(labels, new Map([["t", [["a"], ["b"], ["c"]]]]));
    expect(pairTaus.sort()).toEqual([-1, -1, 1]);
    expect(signals.get("l1")).toEqual({ agreement: 0, comparisons: 2, goldPassed: true, goldTau: 1 });
    expect(signals.get("l3")).toEqual({ agreement: -1, comparisons: 2, goldPassed: false, goldTau: -1 });
    expect(signals.get("l4")).toEqual({ agreement: null, comparisons: 0, goldPassed: null, goldTau: null });
  });

  it("pairwise choices become groups", () => {
    expect(pairwiseGroups("A", "a", "b")).toEqual([["a"], ["b"]]);
    expect(pairwiseGroups("B", "a", "b")).toEqual([["b"], ["a"]]);
    expect(pairwiseGroups("tie", "a", "b")).toEqual([["a", "b"]]);
  });
});
