// Micro-benchmark of the native cpu kernels: npx tsx bench/kernels.ts [--d 512]
//   --gemm   only the matrix product: GFLOP/s of our own GEMM (native/src/gemm.cc, each micro-kernel
//            the CPU runs) and of OpenBLAS where the addon has it, and own/OpenBLAS per size
// Prints JSON lines: the pure-JS cpu kernel vs the native one per op, and the fused ops of
// workers/kernels (LayerNorm, GELU, linear, self-attention, token log-probs, AdamW) against the tfjs
// compositions they replace (fused.composed, AdamW's tfjs path). Times are the best of several runs, in ms.
import { tf } from "../workers/model/tf.ts";
import "@tensorflow/tfjs-backend-cpu";
import { installNativeKernels, uninstallNativeKernels } from "../workers/kernels/index.ts";
import * as fused from "../workers/kernels/fused.ts";
import { fusedAdamWStep, globalGradNorm } from "../workers/kernels/optim.ts";
import { AdamW } from "../workers/train/adamw.ts";
import { loadAddon } from "../workers/kernels/addon.ts";

const argv = process.argv.slice(2);
const d = Number(argv[argv.indexOf("--d") + 1] || 512);
const B = 8;
const T = 128;

function best(f: () => void, repeats = 5): number {
  f();
  let m = Infinity;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    f();
    m = Math.min(m, performance.now() - t0);
  }
  return Number(m.toFixed(3));
}

const run = (f: () => tf.Tensor | tf.Tensor[]) => () => {
  const r = tf.tidy(f);
  (Array.isArray(r) ? r : [r]).forEach((t) => t.dataSync());
  tf.dispose(r);
};

if (argv.includes("--gemm")) {
  benchGemm();
  process.exit(0);
}

/** GFLOP/s of C = A B (plus the backward pass's transposed forms) at a few sizes, per GEMM. */
function benchGemm() {
  const load = loadAddon();
  if (!load.addon) throw new Error(load.reason);
  const addon = load.addon;
  const start = addon.info();
  const gemms = ["own", "own:avx2", "own:generic", "openblas"].filter((g) => g === "own" || addon.setGemm(g));
  const sizes: [number, number, number, boolean, boolean][] = [
    [64, 64, 64, false, false], [256, 768, 768, false, false], [512, 2048, 512, false, false],
    [512, 512, 2048, false, true], [2048, 512, 512, true, false], [1024, 1024, 1024, false, false],
  ];
  for (const [m, n, k, ta, tb] of sizes) {
    const A = Float32Array.from({ length: m * k }, () => Math.random() - 0.5);
    const B = Float32Array.from({ length: k * n }, () => Math.random() - 0.5);
    const C = new Float32Array(m * n);
    const flops = 2 * m * n * k;
    const repeats = Math.max(3, Math.min(200, Math.round(2e9 / flops)));
    const gflops: Record<string, number> = {};
    for (const g of gemms) {
      // OpenBLAS's threads spin for a while after a call and would take the other core from ours.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
      addon.setGemm(g === "own" ? `own:${start.gemmKernel.split(" ")[0].replace("-fma", "")}` : g);
      const ms = best(() => addon.sgemm(ta ? 1 : 0, tb ? 1 : 0, m, n, k, 1, A, ta ? m : k, B, tb ? k : n, 0, C, n), repeats);
      gflops[g] = Number((flops / (ms * 1e6)).toFixed(1));
    }
    const ratio = gflops.openblas ? Number((gflops.own / gflops.openblas).toFixed(2)) : null;
    console.log(JSON.stringify({ bench: "gemm", size: `${m}x${n}x${k}${ta ? " A^T" : ""}${tb ? " B^T" : ""}`, gflops, own_vs_openblas: ratio, threads: start.blasThreads }));
  }
  addon.setGemm(start.gemm);
  console.log(JSON.stringify({ bench: "gemm", blas: start.blas, default: start.gemm, ownKernel: start.gemmKernel }));
}

await tf.setBackend("cpu");
tf.enableProdMode();
const x = tf.randomNormal([B, T, d]);
const h = tf.randomNormal([B, T, 4 * d]);
const w = tf.randomNormal([d, 4 * d]);
const att = tf.randomNormal([B, 8, T, T]);
const cases: [string, () => tf.Tensor | tf.Tensor[]][] = [
  [`matMul [${B * T},${d}]x[${d},${4 * d}]`, () => tf.matMul(tf.reshape(x, [B * T, d]), w)],
  [`mul [${B},${T},${4 * d}] scalar`, () => tf.mul(h, 0.5)],
  [`add [${B},${T},${d}] + [${d}]`, () => tf.add(x, tf.slice(tf.reshape(w, [-1]), 0, d))],
  [`softmax [${B},8,${T},${T}]`, () => tf.softmax(att)],
  [`sum axis 0 [${B * T},${4 * d}]`, () => tf.sum(tf.reshape(h, [B * T, 4 * d]), 0)],
  [`transpose [${B},${T},8,${d / 8}] -> 0213`, () => tf.transpose(tf.reshape(x, [B, T, 8, d / 8]), [0, 2, 1, 3])],
];
for (const [name, f] of cases) {
  uninstallNativeKernels();
  const pure = best(run(f), 2);
  await installNativeKernels({ quiet: true });
  const native = best(run(f));
  console.log(JSON.stringify({ bench: "kernel", op: name, pure_ms: pure, native_ms: native, speedup: Number((pure / native).toFixed(1)) }));
}

// Fused ops against the compositions of tfjs ops they replace (native kernels installed for both
// sides): forward + backward.
const { composed } = fused;
const g = tf.ones([d]) as tf.Tensor1D;
const b = tf.zeros([d]) as tf.Tensor1D;
const wq = tf.randomNormal([d, 3 * d], 0, 0.02) as tf.Tensor2D;
const bq = tf.zeros([3 * d]) as tf.Tensor1D;
const qkv = tf.randomNormal([B, T, 3 * d]) as tf.Tensor3D;
const logits = tf.randomNormal([B, T, 1024]) as tf.Tensor3D;
const targets = tf.randomUniform([B, T], 0, 1024, "int32") as tf.Tensor2D;
const fwdBwd = (f: (t: tf.Tensor) => tf.Tensor, input: tf.Tensor) => run(() => tf.grads((t: tf.Tensor) => tf.sum(f(t)))([input]));
const linearFwdBwd = (f: typeof fused.linear) =>
  run(() => tf.grads((t: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(f(t, ww as tf.Tensor2D, bb as tf.Tensor1D)))([x, wq, bq]));
const fusedCases: [string, () => void, () => void][] = [
  [`layerNorm [${B},${T},${d}] fwd+bwd`, fwdBwd((t) => composed.layerNorm(t, g, b, 1e-5), x), fwdBwd((t) => fused.layerNorm(t, g, b, 1e-5), x)],
  [`gelu [${B},${T},${4 * d}] fwd+bwd`, fwdBwd(composed.gelu, h), fwdBwd(fused.gelu, h)],
  // Gradients of the input, the weights and the bias, as in training.
  [`linear [${B},${T},${d}]x[${d},${3 * d}]+bias fwd+bwd`, linearFwdBwd(composed.linear), linearFwdBwd(fused.linear)],
  [`selfAttention [${B},${T},${3 * d}] 8 heads fwd+bwd`, fwdBwd((t) => composed.selfAttention(t as tf.Tensor3D, { nHead: 8 }).y, qkv), fwdBwd((t) => fused.selfAttention(t as tf.Tensor3D, { nHead: 8 }).y, qkv)],
  [`tokenLogprobs [${B},${T},1024] fwd+bwd`, fwdBwd((t) => composed.tokenLogprobs(t as tf.Tensor3D, targets), logits), fwdBwd((t) => fused.tokenLogprobs(t as tf.Tensor3D, targets), logits)],
];
for (const [name, composedRun, nativeRun] of fusedCases) {
  const a = best(composedRun);
  const c = best(nativeRun);
  console.log(JSON.stringify({ bench: "fused", op: name, tfjs_ops_ms: a, fused_ms: c, speedup: Number((a / c).toFixed(1)) }));
}

// AdamW over a d-wide 4-layer GPT's matrices.
const shapes = Array.from({ length: 4 }, () => [[d, 3 * d], [d, d], [d, 4 * d], [4 * d, d]]).flat();
const vars = shapes.map((s) => tf.variable(tf.randomNormal(s)));
const grads = shapes.map((s) => tf.randomNormal(s));
const opt = new AdamW(vars.map((variable, i) => ({ name: `p${i}`, variable, decay: true })), { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradClip: 1 }, { fused: false });
const byName: Record<string, tf.Tensor> = {};
vars.forEach((v, i) => (byName[v.name] = grads[i]));
const params = vars.map((variable) => ({ variable, m: tf.variable(tf.zerosLike(variable), false), v: tf.variable(tf.zerosLike(variable), false), decay: true }));
const tfjs = best(() => opt.apply(byName, 1e-3), 3);
const native = best(() => {
  const n = globalGradNorm(grads)!;
  fusedAdamWStep(params, grads, { lr: 1e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, bc1: 0.1, bc2: 0.05, scale: n > 1 ? 1 / n : 1 });
}, 3);
const n = shapes.reduce((s, sh) => s + sh[0] * sh[1], 0);
console.log(JSON.stringify({ bench: "fused", op: `AdamW ${(n / 1e6).toFixed(1)}M params`, tfjs_ops_ms: tfjs, fused_ms: native, speedup: Number((tfjs / native).toFixed(1)) }));
