// The fused native AdamW update (workers/kernels/optim.ts) against the tfjs ops of workers/train/adamw.ts
// (its `fused: false` path): same gradients in, same parameters and moments out, step after step, both
// out of place and in place, and never writing into an array that something else can see.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tf } from "../../workers/model/tf.ts";
import "@tensorflow/tfjs-backend-cpu";
import { loadAddon } from "../../workers/kernels/addon.ts";
import { installNativeKernels, uninstallNativeKernels } from "../../workers/kernels/index.ts";
import { fusedAdamWStep, globalGradNorm, type FusedAdamWParam } from "../../workers/kernels/optim.ts";
import { AdamW } from "../../workers/train/adamw.ts";

const load = loadAddon();
const skipReason = load.addon ? "" : ` (skipped: ${load.reason})`;

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1e-6 + Math.abs(b[i])));
  return worst;
}

describe(`fused AdamW matches workers/train/adamw.ts${skipReason}`, () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
    await installNativeKernels({ quiet: true });
  });
  afterAll(() => uninstallNativeKernels());

  it.skipIf(!load.addon)("three clipped steps give the same parameters and moments", () => {
    const shapes = [[7, 5], [5], [3, 4, 2]];
    const decay = [true, false, true];
    const init = shapes.map((s, i) => tf.randomNormal(s, 0, 1, "float32", 10 + i));
    const ref = init.map((t) => tf.variable(tf.clone(t)));
    const ours = init.map((t) => tf.variable(tf.clone(t)));
    const cfg = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradClip: 0.5 };
    const opt = new AdamW(ref.map((variable, i) => ({ name: `p${i}`, variable, decay: decay[i] })), cfg, { fused: false });
    const fused: FusedAdamWParam[] = ours.map((variable, i) => ({
      variable,
      m: tf.variable(tf.zerosLike(variable), false),
      v: tf.variable(tf.zerosLike(variable), false),
      decay: decay[i],
    }));
    for (let t = 1; t <= 3; t++) {
      const grads = shapes.map((s, i) => tf.randomNormal(s, 0, 1, "float32", 100 * t + i));
      const byName: Record<string, tf.Tensor> = {};
      ref.forEach((v, i) => (byName[v.name] = grads[i]));
      const refNorm = opt.apply(byName, 1e-2);
      const norm = globalGradNorm(grads);
      expect(norm).not.toBeNull();
      expect(Math.abs(norm! - refNorm) / refNorm).toBeLessThan(1e-5);
      const scale = norm! > cfg.gradClip ? cfg.gradClip / (norm! + 1e-6) : 1;
      const ok = fusedAdamWStep(fused, grads, {
        lr: 1e-2, beta1: cfg.beta1, beta2: cfg.beta2, eps: cfg.eps, weightDecay: cfg.weightDecay,
        bc1: 1 - cfg.beta1 ** t, bc2: 1 - cfg.beta2 ** t, scale,
      });
      expect(ok).toBe(true);
      tf.dispose(grads);
      ours.forEach((v, i) => expect(maxRelDiff(v.dataSync() as Float32Array, ref[i].dataSync() as Float32Array)).toBeLessThan(1e-4));
    }
    const state = fused.map((f) => [f.m, f.v]).flat();
    tf.dispose([...ref, ...ours, ...state, ...init]);
    opt.dispose();
  });

  it.skipIf(!load.addon)("updates private parameters in place, with the same result, and never an array that escaped", () => {
    const cfg = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradClip: 0 };
    const init = tf.randomNormal([20, 30], 0, 1, "float32", 7); // the pool tracks arrays of 256+ elements
    const ref = tf.variable(tf.clone(init));
    const opt = new AdamW([{ name: "ref", variable: ref, decay: true }], cfg, { fused: false });
    const ours = tf.variable(tf.clone(init));
    const p: FusedAdamWParam = { variable: ours, m: tf.variable(tf.zerosLike(ours), false), v: tf.variable(tf.zerosLike(ours), false), decay: true };
    const step = (t: number) => {
      const g = tf.randomNormal([20, 30], 0, 1, "float32", 500 + t);
      opt.apply({ [ref.name]: g }, 1e-2);
      expect(fusedAdamWStep([p], [g], { lr: 1e-2, ...cfg, bc1: 1 - cfg.beta1 ** t, bc2: 1 - cfg.beta2 ** t, scale: 1 })).toBe(true);
      g.dispose();
    };
    step(1); // the initial arrays are not the pool's: a new array, which the pool now tracks
    const id = ours.dataId;
    step(2);
    step(3);
    expect(ours.dataId).toBe(id); // updated where it was
    expect(maxRelDiff(ours.dataSync() as Float32Array, ref.dataSync() as Float32Array)).toBeLessThan(1e-4);
    // dataSync handed the array out (as GPT.values() and checkpoints do): it must never change again.
    const seen = ours.dataSync() as Float32Array;
    const before = Float32Array.from(seen);
    step(4);
    expect(Array.from(seen)).toEqual(Array.from(before));
    expect(ours.dataId).not.toBe(id);
    expect(maxRelDiff(ours.dataSync() as Float32Array, ref.dataSync() as Float32Array)).toBeLessThan(1e-4);
    // A second tensor on the same data (a clone) keeps it from being written too.
    step(5);
    const shared = tf.clone(ours);
    const sharedBefore = Float32Array.from(shared.dataSync());
    step(6);
    expect(Array.from(shared.dataSync())).toEqual(Array.from(sharedBefore));
    tf.dispose([init, ref, ours, p.m, p.v, shared]);
    opt.dispose();
  });

  it.skipIf(!load.addon)("leaks no tensors and leaves other backends to the caller", async () => {
    const v = tf.variable(tf.ones([4]));
    const p: FusedAdamWParam = { variable: v, m: tf.variable(tf.zeros([4]), false), v: tf.variable(tf.zeros([4]), false), decay: true };
    const g = tf.ones([4]);
    const opts = { lr: 0.1, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0, bc1: 0.1, bc2: 0.05, scale: 1 };
    fusedAdamWStep([p], [g], opts);
    const count = tf.memory().numTensors;
    fusedAdamWStep([p], [g], opts);
    expect(tf.memory().numTensors).toBe(count);
    expect(v.dataSync()[0]).toBeLessThan(1);
    tf.dispose([v, p.m, p.v, g]);
  });
});

describe("fused AdamW without the addon", () => {
  it("reports that it did nothing, so the caller runs its tfjs update", async () => {
    await tf.setBackend("cpu");
    process.env.RLHF_NATIVE = "0";
    try {
      const v = tf.variable(tf.ones([2]));
      const p: FusedAdamWParam = { variable: v, m: tf.variable(tf.zeros([2]), false), v: tf.variable(tf.zeros([2]), false), decay: false };
      expect(fusedAdamWStep([p], [tf.ones([2])], { lr: 1, beta1: 0.9, beta2: 0.9, eps: 1e-8, weightDecay: 0, bc1: 1, bc2: 1, scale: 1 })).toBe(false);
      expect(globalGradNorm([tf.ones([2])])).toBeNull();
      expect(Array.from(v.dataSync())).toEqual([1, 1]);
    } finally {
      delete process.env.RLHF_NATIVE;
    }
  });
});
