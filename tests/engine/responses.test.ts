// workers/train/responses.ts: prompt + response batches as PPO and the demo's evaluation score them.
import { describe, expect, it } from "vitest";
import { packResponses } from "../../workers/train/responses.ts";

describe("packResponses", () => {
  it("left-pads prompts, puts each response right after its prompt, and masks and numbers only real tokens", () => {
    const p = packResponses([[5, 6, 7], [8]], [[1], [2, 3]], 0);
    expect({ B: p.B, Tp: p.Tp, R: p.R, S: p.S }).toEqual({ B: 2, Tp: 3, R: 2, S: 5 });
    expect(Array.from(p.ids)).toEqual([5, 6, 7, 1, 0, /**/ 0, 0, 8, 2, 3]);
    expect(Array.from(p.mask)).toEqual([1, 1, 1, 1, 0, /**/ 0, 0, 1, 1, 1]);
    expect(Array.from(p.pos)).toEqual([0, 1, 2, 3, 0, /**/ 0, 0, 0, 1, 2]);
    expect(Array.from(p.respMask)).toEqual([1, 0, /**/ 1, 1]);
  });

  it("keeps one response column when every response is empty", () => {
    const p = packResponses([[4]], [[]], 9);
    expect(p.R).toBe(1);
    expect(Array.from(p.ids)).toEqual([4, 9]);
    expect(Array.from(p.respMask)).toEqual([0]);
  });
});
