// The native cpu kernels (workers/kernels) against tfjs's own pure-JS cpu kernels: every op is run
// twice on the same inputs, forward and gradient, once per kernel set. Where the addon is not built,
// those comparisons are skipped (the reason is in the suite name) and only the fallback is tested.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tf } from "../../workers/model/tf.ts";
import "@tensorflow/tfjs-backend-cpu";
import { installNativeKernels, uninstallNativeKernels } from "../../workers/kernels/index.ts";
import { loadAddon } from "../../workers/kernels/addon.ts";
import { poolStats } from "../../workers/kernels/pool.ts";
import { GPT } from "../../workers/model/gpt.ts";
import { Rng } from "../../workers/model/rng.ts";

const load = loadAddon();
const skipReason = load.addon ? "" : ` (skipped: ${load.reason})`;

type Fn = () => tf.Tensor | tf.Tensor[];

/** Runs fn on the pure kernels, then on the native ones; returns both results as arrays. */
async function both(fn: Fn): Promise<{ pure: Float32Array[]; native: Float32Array[]; shapes: number[][] }> {
  const run = () =>
    tf.tidy(() => {
      const r = fn();
      return Array.isArray(r) ? r : [r];
    });
  uninstallNativeKernels();
  const p = run();
  const pure = p.map((t) => Float32Array.from(t.dataSync()));
  const shapes = p.map((t) => t.shape);
  tf.dispose(p);
  const installed = await installNativeKernels({ quiet: true });
  expect(installed.installed.length).toBeGreaterThan(0);
  const n = run();
  const native = n.map((t) => Float32Array.from(t.dataSync()));
  n.forEach((t, i) => expect(t.shape).toEqual(shapes[i]));
  tf.dispose(n);
  return { pure, native, shapes };
}

function expectClose(actual: Float32Array, expected: Float32Array, rtol = 1e-4, atol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (e === a) continue; // also covers matching infinities
    const err = Math.abs(a - e) / (atol + rtol * Math.abs(e));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `worst at ${at}: native ${actual[at]} vs pure ${expected[at]}`).toBeLessThanOrEqual(1);
}

async function same(fn: Fn, rtol?: number, atol?: number): Promise<void> {
  const { pure, native } = await both(fn);
  pure.forEach((p, i) => expectClose(native[i], p, rtol, atol));
}

/** fn's value and its gradient with respect to every input, as one list. */
function withGrads(fn: (...xs: tf.Tensor[]) => tf.Tensor, ...xs: tf.Tensor[]): Fn {
  return () => {
    const value = fn(...xs);
    const grads = tf.grads((...ys: tf.Tensor[]) => tf.sum(tf.mul(fn(...ys), tf.sin(tf.reshape(tf.range(0, value.size), value.shape)))))(xs);
    return [value, ...grads];
  };
}

let seed = 1;
const randn = (shape: number[]) => tf.randomNormal(shape, 0, 1, "float32", seed++);
const positive = (shape: number[]) => tf.add(tf.abs(randn(shape)), 0.1);

describe(`native cpu kernels match tfjs's pure cpu kernels${skipReason}`, () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
  });
  afterAll(() => uninstallNativeKernels());

  it.skipIf(!load.addon)("matMul: plain, transposed, batched and batch-broadcast, with gradients", async () => {
    const cases: [number[], number[], boolean, boolean][] = [
      [[7, 5], [5, 3], false, false],
      [[5, 7], [5, 3], true, false],
      [[7, 5], [3, 5], false, true],
      [[5, 7], [3, 5], true, true],
      [[2, 3, 7, 5], [2, 3, 5, 4], false, false],
      [[2, 3, 7, 5], [2, 3, 4, 5], false, true],
      [[4, 5, 7], [4, 5, 6], true, false],
      [[2, 6, 5], [5, 4], false, false], // batch broadcast: one large product
      [[6, 5], [3, 5, 4], false, false],
      [[3, 6, 5], [1, 4, 5], false, true],
      [[64, 48], [48, 80], false, false], // large enough for two BLAS threads on some machines
    ];
    for (const [sa, sb, ta, tb] of cases) {
      const a = randn(sa);
      const b = randn(sb);
      // tfjs-core has no gradient for a broadcast batch dimension: compare the forward pass there.
      const broadcast = sa.length !== sb.length || sa.slice(0, -2).some((d, i) => d !== sb[i]);
      await same(broadcast ? () => tf.matMul(a, b, ta, tb) : withGrads((x, y) => tf.matMul(x, y, ta, tb), a, b));
    }
  });

  it.skipIf(!load.addon)("fused matMul with bias and relu", async () => {
    const a = randn([6, 5]);
    const b = randn([5, 4]);
    const bias = randn([4]);
    await same(() => tf.fused.matMul({ a, b, bias, activation: "relu" }));
    await same(() => tf.fused.matMul({ a, b, bias, transposeB: false }));
  });

  it.skipIf(!load.addon)("binary ops with broadcasting, with gradients", async () => {
    const shapes: [number[], number[]][] = [
      [[3, 4], [3, 4]],
      [[3, 4], []],
      [[], [3, 4]],
      [[2, 3, 4], [4]],
      [[2, 3, 4], [2, 3, 1]],
      [[2, 1, 4], [3, 1]],
      [[1, 3, 1], [2, 1, 5]],
      [[5], [2, 3, 5]],
    ];
    const ops: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, boolean][] = [
      ["add", tf.add, false],
      ["sub", tf.sub, false],
      ["mul", tf.mul, false],
      ["div", tf.div, true],
      ["maximum", tf.maximum, false],
      ["minimum", tf.minimum, false],
      ["pow", tf.pow, true],
      ["squaredDifference", tf.squaredDifference, false],
    ];
    for (const [name, op, needsPositive] of ops) {
      for (const [sa, sb] of shapes) {
        const a = needsPositive ? positive(sa) : randn(sa);
        const b = needsPositive ? positive(sb) : randn(sb);
        // tfjs-core's maximum/minimum/squaredDifference gradients do not reduce broadcast axes.
        const gradients = !["maximum", "minimum", "squaredDifference"].includes(name) || tf.util.arraysEqual(sa, sb);
        await same(gradients ? withGrads(op, a, b) : () => op(a, b)).catch((e) => {
          throw new Error(`${name} [${sa}] [${sb}]: ${e}`);
        });
      }
    }
  });

  it.skipIf(!load.addon)("pow by the constants GELU uses (x^3 and its gradient's x^2)", async () => {
    const x = randn([4, 33]);
    for (const c of [1, 2, 3, 0.5, 1.5]) {
      const base = c === 0.5 || c === 1.5 ? positive([4, 33]) : x;
      await same(withGrads((y) => tf.pow(y, tf.scalar(c)), base));
    }
  });

  it.skipIf(!load.addon)("unary ops, with gradients", async () => {
    const any = (s: number[]) => tf.mul(randn(s), 3);
    const ops: [string, (x: tf.Tensor) => tf.Tensor, (s: number[]) => tf.Tensor][] = [
      ["exp", tf.exp, randn],
      ["log", tf.log, positive],
      ["sqrt", tf.sqrt, positive],
      ["rsqrt", tf.rsqrt, positive],
      ["tanh", tf.tanh, any],
      ["sigmoid", tf.sigmoid, any],
      ["relu", tf.relu, any],
      ["neg", tf.neg, any],
      ["square", tf.square, any],
      ["abs", tf.abs, any],
      ["erf", tf.erf, any],
      ["reciprocal", tf.reciprocal, positive],
      ["log1p", tf.log1p, positive],
      ["step", (x) => tf.step(x, 0.25), any],
    ];
    for (const [name, op, input] of ops) {
      const x = input([5, 67]);
      await same(withGrads(op, x), 2e-5, 1e-6).catch((e) => {
        throw new Error(`${name}: ${e}`);
      });
    }
  });

  it.skipIf(!load.addon)("exp and tanh at the edges: large, tiny, -inf, NaN", async () => {
    const x = tf.tensor1d([-1e9, -200, -88, -87, -20, -1e-3, -1e-7, 0, 1e-7, 1e-3, 0.06, 0.07, 1, 20, 88, 89, 1e9, -Infinity, Infinity, NaN]);
    await same(() => [tf.exp(x), tf.tanh(x), tf.sigmoid(x)], 2e-6, 1e-30);
    await same(() => tf.softmax(tf.tensor2d([[0, -1e9, 1], [-Infinity, 0, 0], [1000, 1000, -1000]])));
  });

  it.skipIf(!load.addon)("reductions over any axes, keepDims, with gradients", async () => {
    const x = randn([3, 4, 5, 2]);
    const axes: (number | number[] | undefined)[] = [undefined, 0, 1, -1, [1, 2], [0, 2], [0, 3], [0, 1, 2, 3], [2, 0]];
    for (const axis of axes) {
      for (const keepDims of [false, true]) {
        await same(withGrads((y) => tf.sum(y, axis, keepDims), x));
        await same(withGrads((y) => tf.mean(y, axis, keepDims), x));
        await same(withGrads((y) => tf.max(y, axis, keepDims), x));
        await same(withGrads((y) => tf.min(y, axis, keepDims), x));
        // (tfjs-core's prod gradient calls a chained op its Node bundle lacks: forward only.)
        await same(() => tf.prod(tf.add(tf.mul(x, 0.1), 1), axis, keepDims));
      }
    }
  });

  it.skipIf(!load.addon)("softmax and logSoftmax, with gradients", async () => {
    await same(withGrads((x) => tf.softmax(x), randn([2, 3, 7, 7])));
    await same(withGrads((x) => tf.logSoftmax(x), tf.mul(randn([16, 33]), 5)));
    await same(withGrads((x) => tf.softmax(x), randn([1])));
  });

  it.skipIf(!load.addon)("transpose of any permutation, size-1 axes shared, with gradients", async () => {
    const cases: [number[], number[]][] = [
      [[3, 5], [1, 0]],
      [[2, 3, 4, 5], [0, 2, 1, 3]],
      [[2, 3, 4], [2, 0, 1]],
      [[2, 3, 4], [1, 2, 0]],
      [[2, 3, 4, 5], [3, 1, 0, 2]],
      [[2, 1, 4], [1, 0, 2]], // only a size-1 axis moves: no copy
      [[2, 3, 4], [0, 1, 2]],
      [[40, 70], [1, 0]], // tiled 2-D path
      [[3, 40, 33], [0, 2, 1]],
    ];
    for (const [shape, perm] of cases) {
      await same(withGrads((x) => tf.transpose(x, perm), randn(shape)));
    }
  });

  it.skipIf(!load.addon)("slice, split, concat and pad, with gradients", async () => {
    const x = randn([4, 6, 9]);
    await same(withGrads((y) => tf.slice(y, [1, 2, 3], [2, 3, 4]), x));
    await same(withGrads((y) => tf.slice(y, [0, 0, 3], [4, 6, 5]), x));
    await same(withGrads((y) => tf.slice(y, [2, 0, 0], [1, 6, 9]), x));
    await same(withGrads((y) => tf.concat(tf.split(y, 3, 2).reverse(), 2), x));
    await same(withGrads((y) => tf.concat(tf.split(y, [1, 3, 2], 1).reverse(), 1), x));
    await same(withGrads((y) => tf.concat([y, tf.mul(y, 2)], 1), x));
    await same(withGrads((a, b) => tf.concat([a, b], 2), randn([2, 3, 4]), randn([2, 3, 1])));
    await same(withGrads((y) => tf.pad(y, [[1, 0], [0, 2], [3, 1]], 0.5), x));
    await same(withGrads((y) => tf.pad(y, [[0, 0], [2, 2], [0, 0]]), x));
  });

  it.skipIf(!load.addon)("gather and its gradient (unsortedSegmentSum), addN", async () => {
    const table = randn([10, 6]);
    const ids = tf.tensor2d([[1, 3, 3], [9, 0, 1]], [2, 3], "int32");
    await same(withGrads((w) => tf.gather(w, ids), table));
    await same(withGrads((w) => tf.gather(w, tf.tensor1d([2, 0, 2], "int32"), 1), table));
    const data = randn([7, 3]);
    await same(() => tf.unsortedSegmentSum(data, tf.tensor1d([0, 2, 2, 4, 0, 1, 3], "int32"), 5));
    const terms = [randn([3, 4]), randn([3, 4]), randn([3, 4])];
    await same(() => tf.addN(terms));
  });

  it.skipIf(!load.addon)("large tensors (split across two threads) give the same results", async () => {
    const x = randn([600, 512]);
    const y = randn([600, 512]);
    const row = randn([512]);
    await same(() => [tf.add(x, y), tf.mul(x, row), tf.sub(x, tf.slice(y, [0, 0], [600, 1])), tf.tanh(x), tf.exp(x), tf.softmax(x)]);
    // Just over the 32 MFLOP at which products are split (by rows, or by batch).
    const m1 = randn([256, 256]);
    const m2 = randn([256, 256]);
    const a = randn([4, 128, 256]);
    const b = randn([4, 256, 128]);
    await same(() => [tf.matMul(m1, m2), tf.matMul(m1, m2, true, false), tf.matMul(m1, m2, false, true)], 1e-4, 1e-4);
    await same(() => [tf.matMul(a, b), tf.matMul(b, a, true, true), tf.matMul(tf.reshape(a, [512, 256]), m2)], 1e-4, 1e-4);
    await same(() => tf.matMul(tf.slice(a, [0, 0, 0], [1, 128, 256]), tf.concat([m1, m1], 1)), 1e-4, 1e-4);
  });

  it.skipIf(!load.addon)("int32 and bool tensors still run on the pure kernels", async () => {
    const a = tf.tensor1d([1, 2, 3], "int32");
    await installNativeKernels({ quiet: true });
    const sum = tf.add(a, a);
    expect(sum.dtype).toBe("int32");
    expect(Array.from(sum.dataSync())).toEqual([2, 4, 6]);
    expect(Array.from(tf.sum(a).dataSync())).toEqual([6]);
    expect(Array.from(tf.transpose(tf.tensor2d([1, 2, 3, 4], [2, 2], "int32")).dataSync())).toEqual([1, 3, 2, 4]);
    expect(() => tf.gather(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor1d([5], "int32")).dataSync()).toThrow();
  });

  it.skipIf(!load.addon)("a small GPT: loss and every parameter gradient agree", async () => {
    const config = { vocabSize: 37, blockSize: 16, nLayer: 2, nHead: 2, nEmbd: 16, layerNormEps: 1e-5, embedding: "onehot" as const };
    const model = GPT.create(config, "lm", new Rng(3));
    const rng = new Rng(4);
    const B = 3;
    const T = 12;
    const ids = tf.tensor2d(Array.from({ length: B * T }, () => rng.int(config.vocabSize)), [B, T], "int32");
    const targets = tf.oneHot(tf.tensor1d(Array.from({ length: B * T }, () => rng.int(config.vocabSize)), "int32"), config.vocabSize);
    const loss = () => {
      const logits = tf.reshape(model.logits(ids), [B * T, config.vocabSize]);
      return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), targets), 1))) as tf.Scalar;
    };
    const vars = model.variables();
    await same(() => {
      const { value, grads } = tf.variableGrads(loss, vars);
      return [value, ...vars.map((v) => grads[v.name])];
    }, 1e-3, 1e-6);
    // Gather embedding too (forward gather, custom one-hot gradient).
    const gathered = GPT.fromValues({ ...config, embedding: "gather" }, "lm", await model.values(), new Rng(5));
    await same(() => tf.reshape(gathered.logits(ids), [-1]), 1e-4, 1e-6);
    model.dispose();
    gathered.dispose();
  });

  it.skipIf(!load.addon)("a training step with native kernels leaks no tensors", async () => {
    await installNativeKernels({ quiet: true });
    const config = { vocabSize: 29, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8, layerNormEps: 1e-5, embedding: "onehot" as const };
    const model = GPT.create(config, "lm", new Rng(6));
    const ids = tf.tensor2d([[1, 2, 3, 4], [5, 6, 7, 8]], [2, 4], "int32");
    const targets = tf.oneHot(tf.tensor1d([2, 3, 4, 5, 6, 7, 8, 9], "int32"), config.vocabSize);
    const opt = tf.train.adam(1e-2);
    const step = () => {
      const l = opt.minimize(() => tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(tf.reshape(model.logits(ids), [8, config.vocabSize])), targets), 1))) as tf.Scalar), true, model.variables());
      const v = l!.dataSync()[0];
      l!.dispose();
      return v;
    };
    const first = step();
    const count = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 5; i++) last = step();
    expect(tf.memory().numTensors).toBe(count);
    expect(last).toBeLessThan(first);
    opt.dispose();
    model.dispose();
    tf.dispose([ids, targets]);
  });
});

describe(`recycled output buffers${skipReason}`, () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
  });
  afterAll(() => uninstallNativeKernels());

  const trainLosses = (steps: number): number[] => {
    const config = { vocabSize: 31, blockSize: 16, nLayer: 2, nHead: 2, nEmbd: 32, layerNormEps: 1e-5, embedding: "onehot" as const };
    const model = GPT.create(config, "lm", new Rng(7));
    const ids = tf.tensor2d(Array.from({ length: 32 }, (_, i) => (i * 7) % 31), [2, 16], "int32");
    const targets = tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, (_, i) => (i * 5 + 1) % 31), "int32"), 31);
    const opt = tf.train.adam(1e-2);
    const losses: number[] = [];
    for (let i = 0; i < steps; i++) {
      const l = opt.minimize(() => tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(tf.reshape(model.logits(ids), [32, 31])), targets), 1))) as tf.Scalar, true, model.variables());
      losses.push(l!.dataSync()[0]);
      l!.dispose();
    }
    opt.dispose();
    model.dispose();
    tf.dispose([ids, targets]);
    return losses;
  };

  it.skipIf(!load.addon)("training gives the same losses with and without recycling, and recycles", async () => {
    process.env.RLHF_NATIVE_POOL_MB = "0";
    uninstallNativeKernels();
    await installNativeKernels({ quiet: true });
    expect(poolStats().enabled).toBe(false);
    const plain = trainLosses(6);
    delete process.env.RLHF_NATIVE_POOL_MB;
    uninstallNativeKernels();
    await installNativeKernels({ quiet: true });
    expect(poolStats().enabled).toBe(true);
    const pooled = trainLosses(6);
    expect(pooled).toEqual(plain);
    expect(poolStats().pooledBytes).toBeGreaterThan(0);
  });

  it.skipIf(!load.addon)("an array read out with dataSync is never reused", async () => {
    await installNativeKernels({ quiet: true });
    const x = tf.randomNormal([64, 64]);
    const a = tf.mul(x, 2);
    const seen = a.dataSync();
    const copy = Float32Array.from(seen);
    a.dispose();
    const others = Array.from({ length: 4 }, (_, i) => tf.mul(x, i + 3));
    expect(Array.from(seen)).toEqual(Array.from(copy));
    tf.dispose([x, ...others]);
  });

  it.skipIf(!load.addon)("an array another tensor views is never reused", async () => {
    await installNativeKernels({ quiet: true });
    const backend = tf.backend() as unknown as { data: { get(id: object): { values: Float32Array } }; makeTensorInfo(s: number[], d: string, v: Float32Array): tf.TensorInfo };
    const x = tf.randomNormal([64, 64]);
    const a = tf.mul(x, 2);
    // What a pure-JS kernel such as a contiguous slice does: a new tensor on a view of a's array.
    const view = tf.engine().makeTensorFromTensorInfo(backend.makeTensorInfo([16], "float32", backend.data.get(a.dataId).values.subarray(0, 16)));
    const before = Float32Array.from(backend.data.get(view.dataId).values);
    a.dispose();
    const others = Array.from({ length: 4 }, (_, i) => tf.mul(x, i + 3));
    expect(Array.from(view.dataSync())).toEqual(Array.from(before));
    tf.dispose([x, view, ...others]);
  });
});

describe("fallback when the native kernels are unavailable", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
  });

  it("RLHF_NATIVE=0 installs nothing and says why", async () => {
    uninstallNativeKernels();
    const before = tf.getKernel("BatchMatMul", "cpu")?.kernelFunc;
    process.env.RLHF_NATIVE = "0";
    try {
      const r = await installNativeKernels({ quiet: true });
      expect(r.installed).toEqual([]);
      expect(r.reason).toMatch(/RLHF_NATIVE=0/);
      expect(tf.getKernel("BatchMatMul", "cpu")?.kernelFunc).toBe(before);
    } finally {
      delete process.env.RLHF_NATIVE;
    }
  });

  it("a missing addon installs nothing, logs the reason, and training still works", async () => {
    uninstallNativeKernels();
    process.env.RLHF_NATIVE_ADDON = "/nonexistent/rlhf_kernels.node";
    const lines: string[] = [];
    const error = console.error;
    console.error = (line: string) => lines.push(line);
    try {
      const r = await installNativeKernels();
      expect(r.installed).toEqual([]);
      expect(r.reason).toMatch(/not built/);
      expect(lines.join("\n")).toMatch(/native cpu kernels not installed: .*not built.*pure-JS/);
    } finally {
      console.error = error;
      delete process.env.RLHF_NATIVE_ADDON;
    }
    const y = tf.matMul(tf.ones([2, 3]), tf.ones([3, 2]));
    expect(Array.from(y.dataSync())).toEqual([3, 3, 3, 3]);
  });

  it("an addon that fails to load installs nothing and says why", async () => {
    uninstallNativeKernels();
    const bad = path.join(mkdtempSync(path.join(os.tmpdir(), "rlhf-kernels-")), "rlhf_kernels.node");
    writeFileSync(bad, "not a shared object");
    process.env.RLHF_NATIVE_ADDON = bad;
    try {
      const r = await installNativeKernels({ quiet: true });
      expect(r.installed).toEqual([]);
      expect(r.reason).toMatch(/failed to load/);
    } finally {
      delete process.env.RLHF_NATIVE_ADDON;
    }
  });
});
