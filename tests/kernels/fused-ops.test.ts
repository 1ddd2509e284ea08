// workers/kernels/fused.ts's LayerNorm and GELU against workers/model/ops.ts's (the model's own,
// composed of tfjs ops): forward and gradients, native and fallback.
import { beforeAll, describe, expect, it } from "vitest";
import { tf } from "../../workers/model/tf.ts";
import "@tensorflow/tfjs-backend-cpu";
import { loadAddon } from "../../workers/kernels/addon.ts";
import { installNativeKernels } from "../../workers/kernels/index.ts";
import * as fused from "../../workers/kernels/fused.ts";
import * as ops from "../../workers/model/ops.ts";

const load = loadAddon();
const skipReason = load.addon ? "" : ` (skipped: ${load.reason})`;

function expectClose(a: Float32Array, b: Float32Array, rtol = 1e-4, atol = 1e-5): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (atol + rtol * Math.abs(b[i])));
  expect(worst).toBeLessThanOrEqual(1);
}

/** Value and gradients of sum(f(...) * w) for a fixed random weighting w. */
function valueAndGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[]): Float32Array[] {
  return tf.tidy(() => {
    const y = f(...xs);
    const w = tf.randomNormal(y.shape, 0, 1, "float32", 99);
    const grads = tf.grads((...ys: tf.Tensor[]) => tf.sum(tf.mul(f(...ys), w)))(xs);
    return [y, ...grads].map((t) => Float32Array.from(t.dataSync()));
  });
}

describe(`fused LayerNorm and GELU match workers/model/ops.ts${skipReason}`, () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
    await installNativeKernels({ quiet: true });
  });

  it.skipIf(!load.addon)("layerNorm: value and the gradients of x, gain and bias", () => {
    for (const shape of [[2, 5, 16], [7, 33], [1, 1, 4]]) {
      const C = shape[shape.length - 1];
      const x = tf.add(tf.mul(tf.randomNormal(shape, 0, 1, "float32", 1), 3), 0.5);
      const g = tf.randomNormal([C], 1, 0.1, "float32", 2) as tf.Tensor1D;
      const b = tf.randomNormal([C], 0, 0.1, "float32", 3) as tf.Tensor1D;
      const f = (ln: typeof ops.layerNorm) => (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => ln(xx, gg as tf.Tensor1D, bb as tf.Tensor1D, 1e-5);
      const want = valueAndGrads(f(ops.layerNorm), [x, g, b]);
      const got = valueAndGrads(f(fused.layerNorm), [x, g, b]);
      want.forEach((w, i) => expectClose(got[i], w, 1e-4, 1e-5));
    }
  });

  it.skipIf(!load.addon)("gelu: value and gradient", () => {
    const x = tf.mul(tf.randomNormal([3, 4, 50], 0, 1, "float32", 4), 3);
    const want = valueAndGrads(ops.gelu, [x]);
    const got = valueAndGrads(fused.gelu, [x]);
    want.forEach((w, i) => expectClose(got[i], w, 1e-4, 1e-6));
  });

  it.skipIf(!load.addon)("leak no tensors under a gradient tape", () => {
    const x = tf.randomNormal([4, 8]);
    const g = tf.ones([8]) as tf.Tensor1D;
    const b = tf.zeros([8]) as tf.Tensor1D;
    const run = () => tf.tidy(() => tf.grads((xx: tf.Tensor) => tf.sum(fused.gelu(fused.layerNorm(xx, g, b, 1e-5))))([x])[0].dataSync());
    run();
    const count = tf.memory().numTensors;
    run();
    expect(tf.memory().numTensors).toBe(count);
  });
});

describe("fused LayerNorm and GELU without the addon", () => {
  it("compute the same composition of tfjs ops", async () => {
    await tf.setBackend("cpu");
    process.env.RLHF_NATIVE = "0";
    try {
      const x = tf.randomNormal([3, 8], 0, 1, "float32", 5);
      const g = tf.ones([8]) as tf.Tensor1D;
      const b = tf.zeros([8]) as tf.Tensor1D;
      expectClose(fused.layerNorm(x, g, b, 1e-5).dataSync() as Float32Array, ops.layerNorm(x, g, b, 1e-5).dataSync() as Float32Array, 1e-6, 1e-7);
      expectClose(fused.gelu(x).dataSync() as Float32Array, ops.gelu(x).dataSync() as Float32Array, 1e-6, 1e-7);
    } finally {
      delete process.env.RLHF_NATIVE;
    }
  });
});
