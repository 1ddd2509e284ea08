import { describe, it, expect, beforeAll } from "vitest";
import { tf } from "../../workers/model/tf.ts";
import {
  dpoLoss,
  gae,
  maskedCrossEntropy,
  pairwiseRewardLoss,
  ppoPolicyLoss,
  ppoValueLoss,
  tokenLogprobs,
  whiten,
} from "../../workers/train/losses.ts";
import { lrAt } from "../../workers/train/common.ts";
import { AdamW } from "../../workers/train/adamw.ts";
import { backend } from "./helpers.ts";

beforeAll(backend);

const sig = (x: number) => 1 / (1 + Math.exp(-x));
const num = (t: tf.Tensor) => t.dataSync()[0];

describe("losses match hand-computed values and gradients", () => {
  it("token log-probs and masked cross-entropy", () => {
    const logits = tf.tensor3d([[[0, Math.log(2), 0], [1, 1, 1]]]); // [1, 2, 3]
    const targets = tf.tensor2d([[1, 0]], [1, 2], "int32");
    expect(Array.from(tokenLogprobs(logits, targets).dataSync())).toEqual([expect.closeTo(Math.log(2 / 4), 6), expect.closeTo(Math.log(1 / 3), 6)]);
    const mask = tf.tensor2d([[1, 0]]);
    const g = tf.grad((l: tf.Tensor) => maskedCrossEntropy(l as tf.Tensor3D, targets, mask))(logits);
    expect(num(maskedCrossEntropy(logits, targets, mask))).toBeCloseTo(-Math.log(0.5), 6);
    // d/dlogits = softmax - onehot on the unmasked position, 0 on the masked one
    expect(Array.from(g.dataSync())).toEqual([0.25, -0.5, 0.25, 0, 0, 0].map((v) => expect.closeTo(v, 6)));
  });

  it("reward model pair loss, K-way weights and the centring term", () => {
    const rc = tf.tensor1d([1]);
    const rr = tf.tensor1d([0]);
    const w = tf.tensor1d([1]);
    expect(num(pairwiseRewardLoss(rc, rr, w, 1))).toBeCloseTo(Math.log(1 + Math.exp(-1)), 6);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => pairwiseRewardLoss(a as tf.Tensor1D, b as tf.Tensor1D, w, 1, 0.01))([rc, rr]);
    expect(num(g[0])).toBeCloseTo(-sig(-1) + 0.01 * 2 * 1, 6);
    expect(num(g[1])).toBeCloseTo(sig(-1) + 0.01 * 2 * 1, 6);
    // a 3-way ranking (3 pairs weighted 1/3) plus a single pair: loss = (mean of the 3 + the single) / 2 groups
    const d = [2, -1, 0.5, 1.5];
    const l = pairwiseRewardLoss(tf.tensor1d(d), tf.tensor1d([0, 0, 0, 0]), tf.tensor1d([1 / 3, 1 / 3, 1 / 3, 1]), 2);
    const f = (x: number) => -Math.log(sig(x));
    expect(num(l)).toBeCloseTo(((f(2) + f(-1) + f(0.5)) / 3 + f(1.5)) / 2, 6);
  });

  it("DPO loss, implicit rewards and gradient", () => {
    const piC = tf.tensor1d([-1]);
    const piR = tf.tensor1d([-2]);
    const ref = tf.tensor1d([-1.5]);
    const w = tf.tensor1d([1]);
    const out = dpoLoss(piC, piR, ref, ref, 0.1, w, 1);
    expect(num(out.loss)).toBeCloseTo(Math.log(1 + Math.exp(-0.1)), 6);
    expect(num(out.chosenRewards)).toBeCloseTo(0.05, 6);
    expect(num(out.rejectedRewards)).toBeCloseTo(-0.05, 6);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => dpoLoss(a as tf.Tensor1D, b as tf.Tensor1D, ref, ref, 0.1, w, 1).loss)([piC, piR]);
    expect(num(g[0])).toBeCloseTo(-0.1 * sig(-0.1), 6);
    expect(num(g[1])).toBeCloseTo(0.1 * sig(-0.1), 6);
  });

  it("PPO clipped policy loss: clipped and unclipped cases", () => {
    const old = tf.tensor2d([[0, 0]]);
    const mask = tf.tensor2d([[1, 0]]);
    const newLp = tf.tensor2d([[Math.log(1.5), 5]]);
    // positive advantage, ratio 1.5 > 1.2: the clipped term wins, no gradient
    const pos = ppoPolicyLoss(newLp, old, tf.tensor2d([[1, 1]]), mask, 0.2);
    expect(num(pos.loss)).toBeCloseTo(-1.2, 5);
    expect(num(pos.clipfrac)).toBeCloseTo(1, 6);
    expect(num(pos.approxKl)).toBeCloseTo(0.5 * Math.log(1.5) ** 2, 6);
    expect(num(pos.ratio)).toBeCloseTo(1.5, 5);
    const gPos = tf.grad((x: tf.Tensor) => ppoPolicyLoss(x as tf.Tensor2D, old, tf.tensor2d([[1, 1]]), mask, 0.2).loss)(newLp);
    expect(Array.from(gPos.dataSync())).toEqual([expect.closeTo(0, 6), expect.closeTo(0, 6)]);
    // negative advantage: the unclipped term wins, gradient -A * ratio = 1.5
    const neg = ppoPolicyLoss(newLp, old, tf.tensor2d([[-1, -1]]), mask, 0.2);
    expect(num(neg.loss)).toBeCloseTo(1.5, 5);
    expect(num(neg.clipfrac)).toBeCloseTo(0, 6);
    const gNeg = tf.grad((x: tf.Tensor) => ppoPolicyLoss(x as tf.Tensor2D, old, tf.tensor2d([[-1, -1]]), mask, 0.2).loss)(newLp);
    expect(Array.from(gNeg.dataSync())).toEqual([expect.closeTo(1.5, 5), expect.closeTo(0, 6)]);
  });

  it("PPO clipped value loss", () => {
    const v = tf.tensor2d([[1, 0.1]]);
    const old = tf.tensor2d([[0, 0]]);
    const ret = tf.tensor2d([[0, 1]]);
    const mask = tf.tensor2d([[1, 1]]);
    // pos 0: max((1-0)^2, (0.2-0)^2) = 1; pos 1: max((0.1-1)^2, (0.1-1)^2) = 0.81 -> 0.5 * mean = 0.4525
    expect(num(ppoValueLoss(v, old, ret, mask, 0.2).loss)).toBeCloseTo(0.4525, 5);
    const g = tf.grad((x: tf.Tensor) => ppoValueLoss(x as tf.Tensor2D, old, ret, mask, 0.2).loss)(v);
    expect(Array.from(g.dataSync())).toEqual([expect.closeTo(0.5, 5), expect.closeTo(-0.45, 5)]);
  });

  it("GAE with gamma 1, lambda 0.95 and masking, and whitening", () => {
    const { advantages, returns } = gae([[0, 0, 1, 0]], [[0.5, 0.5, 0.5, 9]], [[1, 1, 1, 0]], 1, 0.95);
    expect(advantages[0][2]).toBeCloseTo(0.5, 6);
    expect(advantages[0][1]).toBeCloseTo(0.95 * 0.5, 6);
    expect(advantages[0][0]).toBeCloseTo(0.95 * 0.95 * 0.5, 6);
    expect(advantages[0][3]).toBe(0);
    expect(returns[0][0]).toBeCloseTo(0.95 * 0.95 * 0.5 + 0.5, 6);
    const w = whiten([[1, 2, 3, 100]], [[1, 1, 1, 0]]);
    expect(w[0][1]).toBeCloseTo(0, 6);
    expect(w[0][0]).toBeCloseTo(-1, 5);
    expect(w[0][3]).toBe(0);
  });

  it("AdamW: first step moves by lr * sign(g), decays only decayed params", () => {
    const a = tf.variable(tf.tensor1d([1, -1]));
    const b = tf.variable(tf.tensor1d([1, 1]));
    const opt = new AdamW(
      [
        { name: "a", variable: a, decay: true },
        { name: "b", variable: b, decay: false },
      ],
      { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.5, gradClip: 0 },
    );
    opt.apply({ [a.name]: tf.tensor1d([2, -3]), [b.name]: tf.tensor1d([0.5, -0.5]) }, 0.1);
    expect(Array.from(a.dataSync())).toEqual([expect.closeTo(1 - 0.1 - 0.1 * 0.5 * 1, 5), expect.closeTo(-1 + 0.1 - 0.1 * 0.5 * -1, 5)]);
    expect(Array.from(b.dataSync())).toEqual([expect.closeTo(0.9, 5), expect.closeTo(1.1, 5)]);
    // clipping: global norm 5 clipped to 1 scales the gradient (the Adam step is scale-free at t=1,
    // so check the reported norm)
    const c = tf.variable(tf.tensor1d([0, 0]));
    const o2 = new AdamW([{ name: "c", variable: c, decay: false }], { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0, gradClip: 1 });
    expect(o2.apply({ [c.name]: tf.tensor1d([3, 4]) }, 0.1)).toBeCloseTo(5, 5);
    opt.dispose();
    o2.dispose();
  });

  it("learning-rate schedule: linear warm-up then cosine to the floor", () => {
    const c = { lr: 1, warmupSteps: 4, minLrRatio: 0.1 };
    expect(lrAt(0, 20, c)).toBeCloseTo(1 / 5, 6);
    expect(lrAt(3, 20, c)).toBeCloseTo(4 / 5, 6);
    expect(lrAt(4, 20, c)).toBeCloseTo(1, 6);
    expect(lrAt(20, 20, c)).toBeCloseTo(0.1, 6);
    expect(lrAt(12, 20, c)).toBeCloseTo(0.1 + 0.5 * 0.9 * (1 + Math.cos(Math.PI * 0.5)), 6);
  });
});
