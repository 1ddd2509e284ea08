// workers/kernels/fused.ts's native ops (LayerNorm, GELU, linear, embedding, self-attention, token
// log-probabilities) against the compositions of tfjs ops they replace (`composed`): values and
// gradients, with and without a gradient tape, with and without the addon.
import { beforeAll, describe, expect, it } from "vitest";
import { tf } from "../../workers/model/tf.ts";
import "@tensorflow/tfjs-backend-cpu";
import { loadAddon } from "../../workers/kernels/addon.ts";
import { installNativeKernels } from "../../workers/kernels/index.ts";
import * as fused from "../../workers/kernels/fused.ts";

const { composed } = fused;
const load = loadAddon();
const skipReason = load.addon ? "" : ` (skipped: ${load.reason})`;

function expectClose(a: Float32Array, b: Float32Array, rtol = 1e-4, atol = 1e-5): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (atol + rtol * Math.abs(b[i])));
  expect(worst).toBeLessThanOrEqual(1);
}

/**
 * Value of f(...xs) and the gradients of sum(f(...) * w) with respect to each x, for a fixed random
 * weighting w (times `weightMask` when given: rows the comparison must ignore get no gradient).
 */
function valueAndGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], weightMask?: tf.Tensor): Float32Array[] {
  return tf.tidy(() => {
    const y = f(...xs);
    let w = tf.randomNormal(y.shape, 0, 1, "float32", 99);
    if (weightMask) w = tf.mul(w, weightMask);
    const grads = tf.grads((...ys: tf.Tensor[]) => tf.sum(tf.mul(f(...ys), w)))(xs);
    const value = weightMask ? tf.mul(y, weightMask) : y;
    return [value, ...grads].map((t) => Float32Array.from(t.dataSync()));
  });
}

function compare(fusedF: (...xs: tf.Tensor[]) => tf.Tensor, composedF: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], tol = { rtol: 1e-4, atol: 1e-5 }, weightMask?: tf.Tensor): void {
  const want = valueAndGrads(composedF, xs, weightMask);
  const got = valueAndGrads(fusedF, xs, weightMask);
  expect(got).toHaveLength(want.length);
  want.forEach((w, i) => expectClose(got[i], w, tol.rtol, tol.atol));
}

const randn = (shape: number[], seed: number, scale = 1) => tf.mul(tf.randomNormal(shape, 0, 1, "float32", seed), scale);

describe(`fused native ops match the tfjs compositions they replace${skipReason}`, () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
    await installNativeKernels({ quiet: true });
  });

  it.skipIf(!load.addon)("are in use (else every comparison below would compare a composition with itself)", () => {
    expect(fused.fusedAvailable()).toBe(true);
  });

  it.skipIf(!load.addon)("layerNorm: value and the gradients of x, gain and bias", () => {
    for (const shape of [[2, 5, 16], [7, 33], [1, 1, 4]]) {
      const C = shape[shape.length - 1];
      const x = tf.add(randn(shape, 1, 3), 0.5);
      const g = tf.randomNormal([C], 1, 0.1, "float32", 2) as tf.Tensor1D;
      const b = tf.randomNormal([C], 0, 0.1, "float32", 3) as tf.Tensor1D;
      const f = (ln: typeof fused.layerNorm) => (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => ln(xx, gg as tf.Tensor1D, bb as tf.Tensor1D, 1e-5);
      compare(f(fused.layerNorm), f(composed.layerNorm), [x, g, b]);
    }
  });

  it.skipIf(!load.addon)("gelu: value and gradient", () => {
    compare(fused.gelu, composed.gelu, [randn([3, 4, 50], 4, 3)], { rtol: 1e-4, atol: 1e-6 });
  });

  it.skipIf(!load.addon)("linear: with and without bias and residual, value and every gradient", () => {
    const x = randn([2, 3, 8], 5);
    const w = randn([8, 12], 6) as tf.Tensor2D;
    const b = randn([12], 7) as tf.Tensor1D;
    const r = randn([2, 3, 12], 8);
    compare((xx, ww) => fused.linear(xx, ww as tf.Tensor2D), (xx, ww) => composed.linear(xx, ww as tf.Tensor2D), [x, w]);
    compare((xx, ww, bb) => fused.linear(xx, ww as tf.Tensor2D, bb as tf.Tensor1D), (xx, ww, bb) => composed.linear(xx, ww as tf.Tensor2D, bb as tf.Tensor1D), [x, w, b]);
    compare(
      (xx, ww, bb, rr) => fused.linear(xx, ww as tf.Tensor2D, bb as tf.Tensor1D, rr),
      (xx, ww, bb, rr) => composed.linear(xx, ww as tf.Tensor2D, bb as tf.Tensor1D, rr),
      [x, w, b, r],
    );
    // Large enough for OpenBLAS's threads (over 32 MFLOP).
    const xl = randn([512, 256], 9);
    const wl = randn([256, 256], 10, 0.05) as tf.Tensor2D;
    compare((xx, ww) => fused.linear(xx, ww as tf.Tensor2D), (xx, ww) => composed.linear(xx, ww as tf.Tensor2D), [xl, wl], { rtol: 1e-3, atol: 1e-4 });
  });

  it.skipIf(!load.addon)("weights held in variables (not saved for the backward pass, read back from the variable) get the same gradients", () => {
    const x = randn([3, 8], 51);
    const w = tf.variable(randn([8, 5], 52));
    const g = tf.variable(tf.randomNormal([8], 1, 0.1, "float32", 53));
    const b = tf.zeros([8]) as tf.Tensor1D;
    const net = (impl: typeof composed) => () => tf.sum(tf.mul(impl.linear(impl.layerNorm(x, g as unknown as tf.Tensor1D, b, 1e-5), w as unknown as tf.Tensor2D), randn([3, 5], 54)));
    const grads = (impl: typeof composed) => tf.tidy(() => {
      const { grads: gr } = tf.variableGrads(net(impl) as () => tf.Scalar, [w, g]);
      return [gr[w.name], gr[g.name]].map((t) => Float32Array.from(t.dataSync()));
    });
    const want = grads(composed);
    grads(fused as unknown as typeof composed).forEach((got, i) => expectClose(got, want[i], 1e-4, 1e-5));
  });

  it.skipIf(!load.addon)("embedding: rows of the table and the table's gradient (repeated ids add up)", () => {
    const table = randn([11, 6], 11) as tf.Tensor2D;
    const ids = tf.tensor2d([[3, 0, 3], [10, 3, 1]], [2, 3], "int32");
    compare((t) => fused.embedding(t as tf.Tensor2D, ids), (t) => composed.embedding(t as tf.Tensor2D, ids), [table]);
    expect(() => fused.embedding(table, tf.tensor1d([11], "int32"))).toThrow(/outside \[0, 11\)/);
  });

  it.skipIf(!load.addon)("tokenLogprobs: value and the logits' gradient; a target outside the vocabulary is an error", () => {
    const logits = randn([3, 5, 17], 12, 4) as tf.Tensor3D;
    const targets = tf.tensor2d([[0, 16, 3, 3, 9], [1, 2, 3, 4, 5], [16, 15, 0, 0, 7]], [3, 5], "int32");
    compare((l) => fused.tokenLogprobs(l as tf.Tensor3D, targets), (l) => composed.tokenLogprobs(l as tf.Tensor3D, targets), [logits]);
    expect(() => fused.tokenLogprobs(logits, tf.fill([3, 5], 17, "int32") as tf.Tensor2D)).toThrow(/outside the vocabulary/);
  });

  const attend = (f: typeof fused.selfAttention, nHead: number, keyMask?: tf.Tensor2D) => (qkv: tf.Tensor) => f(qkv as tf.Tensor3D, { nHead, keyMask }).y;

  it.skipIf(!load.addon)("selfAttention: causal, value and gradient, both the loop path (decoding sizes) and the sgemm path", () => {
    // [B, T, 3C] with C = H * D: T * T * D = 5 * 5 * 4 runs the plain loops, 64 * 64 * 8 the sgemm path.
    for (const [B, T, H, D] of [[2, 5, 2, 4], [2, 64, 2, 8]]) {
      const qkv = randn([B, T, 3 * H * D], 13 + T, 2);
      compare(attend(fused.selfAttention, H), attend(composed.selfAttention, H), [qkv], { rtol: 1e-3, atol: 1e-5 });
    }
  });

  it.skipIf(!load.addon)("selfAttention: left padding masks the pad keys (pad queries, which nothing reads, are left out)", () => {
    const [B, T, H, D] = [2, 6, 2, 4];
    const mask = tf.tensor2d([[0, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]], [B, T], "int32");
    const qkv = randn([B, T, 3 * H * D], 21, 2);
    const realRows = tf.reshape(tf.cast(mask, "float32"), [B, T, 1]);
    compare(attend(fused.selfAttention, H, mask), attend(composed.selfAttention, H, mask), [qkv], { rtol: 1e-3, atol: 1e-5 }, realRows);
  });

  it.skipIf(!load.addon)("selfAttention with the KV cache: decoding token by token gives the full sequence's attention", () => {
    const [B, T, H, D] = [2, 7, 2, 4];
    const qkv = randn([B, T, 3 * H * D], 31, 2) as tf.Tensor3D;
    const mask = tf.tensor2d([[0, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1]], [B, T], "int32");
    const full = composed.selfAttention(qkv, { nHead: H, keyMask: mask }).y;
    for (const f of [fused.selfAttention, composed.selfAttention]) {
      // A prompt of 3 positions, then one position at a time.
      // capacity 4: the native cache must grow (move to larger buffers) on the way.
      let kv = f(tf.slice(qkv, [0, 0, 0], [B, 3, -1]) as tf.Tensor3D, { nHead: H, keyMask: tf.slice(mask, [0, 0], [B, 3]) as tf.Tensor2D, past: null, capacity: 4 }).kv!;
      expect(fused.kvLength(kv)).toBe(3);
      for (let t = 3; t < T; t++) {
        const step = f(tf.slice(qkv, [0, t, 0], [B, 1, -1]) as tf.Tensor3D, { nHead: H, keyMask: tf.slice(mask, [0, 0], [B, t + 1]) as tf.Tensor2D, past: kv });
        kv = step.kv!;
        expect(fused.kvLength(kv)).toBe(t + 1);
        // Row 0's first position is padding; every later position is real.
        expectClose(step.y.dataSync() as Float32Array, tf.slice(full, [0, t, 0], [B, 1, -1]).dataSync() as Float32Array, 1e-4, 1e-5);
      }
    }
  });

  it.skipIf(!load.addon)("selfAttention refuses to differentiate through the KV cache", () => {
    const qkv = randn([1, 1, 12], 41) as tf.Tensor3D;
    expect(() => tf.grads((x: tf.Tensor) => tf.sum(fused.selfAttention(x as tf.Tensor3D, { nHead: 2, past: null }).y))([qkv])).toThrow(/KV cache is for inference/);
  });

  it.skipIf(!load.addon)("leak no tensors, under a gradient tape or not", () => {
    const x = tf.randomNormal([4, 8]);
    const g = tf.ones([8]) as tf.Tensor1D;
    const b = tf.zeros([8]) as tf.Tensor1D;
    const w = tf.randomNormal([8, 24]) as tf.Tensor2D;
    const f = (xx: tf.Tensor) => {
      const h = fused.linear(fused.gelu(fused.layerNorm(xx, g, b, 1e-5)), w);
      const y = fused.selfAttention(tf.reshape(h, [1, 4, 24]) as tf.Tensor3D, { nHead: 2 }).y;
      return tf.sum(fused.tokenLogprobs(tf.reshape(y, [1, 4, 8]) as tf.Tensor3D, tf.tensor2d([[1, 2, 3, 4]], [1, 4], "int32")));
    };
    const run = () => {
      tf.tidy(() => tf.grads(f)([x])[0].dataSync());
      tf.tidy(() => f(x).dataSync());
    };
    run();
    const count = tf.memory().numTensors;
    run();
    expect(tf.memory().numTensors).toBe(count);
  });
});

describe("fused ops without the addon", () => {
  it("compute the same compositions of tfjs ops", async () => {
    await tf.setBackend("cpu");
    process.env.RLHF_NATIVE = "0";
    try {
      expect(fused.fusedAvailable()).toBe(false);
      const x = tf.randomNormal([3, 8], 0, 1, "float32", 5);
      const g = tf.ones([8]) as tf.Tensor1D;
      const b = tf.zeros([8]) as tf.Tensor1D;
      const w = tf.randomNormal([8, 6], 0, 1, "float32", 6) as tf.Tensor2D;
      const same = (a: tf.Tensor, c: tf.Tensor) => expectClose(a.dataSync() as Float32Array, c.dataSync() as Float32Array, 1e-6, 1e-7);
      same(fused.layerNorm(x, g, b, 1e-5), composed.layerNorm(x, g, b, 1e-5));
      same(fused.gelu(x), composed.gelu(x));
      same(fused.linear(x, w), composed.linear(x, w));
      const qkv = tf.randomNormal([1, 4, 24], 0, 1, "float32", 7) as tf.Tensor3D;
      same(fused.selfAttention(qkv, { nHead: 2 }).y, composed.selfAttention(qkv, { nHead: 2 }).y);
      const logits = tf.randomNormal([1, 4, 9], 0, 1, "float32", 8) as tf.Tensor3D;
      const targets = tf.tensor2d([[0, 8, 2, 2]], [1, 4], "int32");
      same(fused.tokenLogprobs(logits, targets), composed.tokenLogprobs(logits, targets));
    } finally {
      delete process.env.RLHF_NATIVE;
    }
  });
});
