// The addon's one matrix product (rk::gemm: OpenBLAS's cblas_sgemm, or our own native/src/gemm.cc)
// against a straightforward double-precision reference: odd shapes on both sides of the blocking
// (1, 7, 33, 257, 1000+), both transposes, leading dimensions wider than the rows, alpha and beta.
// Each GEMM this build has is tested (our own with each micro-kernel the CPU runs), then forward and
// backward through the kernels that use it (MatMul, the fused linear layer) against pure tfjs.
// RLHF_NATIVE_ADDON points this at another build (CI: the one built without OpenBLAS).
import { spawnSync } from "node:child_process";
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { tf } from "../../workers/model/tf.ts";
import "@tensorflow/tfjs-backend-cpu";
import { installNativeKernels, uninstallNativeKernels } from "../../workers/kernels/index.ts";
import { loadAddon } from "../../workers/kernels/addon.ts";
import * as fused from "../../workers/kernels/fused.ts";
import { Rng } from "../../workers/model/rng.ts";

const load = loadAddon();
const addon = load.addon;
const skipReason = addon ? "" : ` (skipped: ${load.reason})`;
const startGemm = addon?.info().gemm;

/** Every GEMM and micro-kernel this build and CPU run. */
const gemms = addon
  ? ["openblas", "own:generic", "own:avx2", "own:avx512"].filter((g) => addon.setGemm(g))
  : [];
if (addon && startGemm) addon.setGemm(startGemm);

afterAll(() => {
  if (addon && startGemm) addon.setGemm(startGemm);
});

function randn(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal();
  return out;
}

type Case = { m: number; n: number; k: number; ta: boolean; tb: boolean; pad: number; alpha: number; beta: number };

/** C = alpha op(A) op(B) + beta C (beta 0 ignores C), row-major, accumulated in double. */
function reference(c: Case, A: Float32Array, lda: number, B: Float32Array, ldb: number, C: Float32Array, ldc: number): Float32Array {
  const out = Float32Array.from(C);
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      let s = 0;
      for (let p = 0; p < c.k; p++) {
        const a = c.ta ? A[p * lda + i] : A[i * lda + p];
        const b = c.tb ? B[j * ldb + p] : B[p * ldb + j];
        s += a * b;
      }
      out[i * ldc + j] = c.alpha * s + (c.beta === 0 ? 0 : c.beta * C[i * ldc + j]);
    }
  }
  return out;
}

function check(c: Case, seed: number) {
  const aRows = c.ta ? c.k : c.m, aCols = c.ta ? c.m : c.k;
  const bRows = c.tb ? c.n : c.k, bCols = c.tb ? c.k : c.n;
  const lda = aCols + c.pad, ldb = bCols + c.pad, ldc = c.n + c.pad;
  const A = randn(aRows * lda, seed);
  const B = randn(bRows * ldb, seed + 1);
  const C = randn(c.m * ldc, seed + 2);
  if (c.beta === 0) C.fill(NaN); // BLAS semantics: beta 0 never reads C
  const want = reference(c, A, lda, B, ldb, C, ldc);
  const got = Float32Array.from(C);
  addon!.sgemm(c.ta ? 1 : 0, c.tb ? 1 : 0, c.m, c.n, c.k, c.alpha, A, lda, B, ldb, c.beta, got, ldc);
  const tol = 1e-4 * Math.sqrt(Math.max(c.k, 1)) * Math.max(1, Math.abs(c.alpha));
  let bad = "";
  for (let i = 0; i < c.m && !bad; i++) {
    for (let j = 0; j < ldc; j++) {
      const idx = i * ldc + j;
      // Padding past column n must be left exactly as it was.
      const ok = j >= c.n ? Object.is(got[idx], C[idx]) : Math.abs(got[idx] - want[idx]) <= tol * (1 + Math.abs(want[idx]));
      if (!ok) {
        bad = `C[${i},${j}] = ${got[idx]}, want ${j >= c.n ? C[idx] : want[idx]}`;
        break;
      }
    }
  }
  expect(bad, JSON.stringify(c)).toBe("");
}

const shapes: [number, number, number][] = [
  [1, 1, 1], [1, 7, 33], [7, 1, 33], [33, 7, 1], [7, 33, 257], [33, 33, 33], [1, 1030, 7], [1030, 7, 33],
  [5, 3, 1030], [97, 67, 300], [13, 2100, 9], [64, 64, 64],
];

describe(`rk::gemm against a reference${skipReason}`, () => {
  for (const g of gemms) {
    it(`${g}: odd shapes, both transposes, strided A/B/C, alpha and beta`, () => {
      expect(addon!.setGemm(g)).toBe(true);
      expect(addon!.info().gemm).toBe(g.startsWith("own") ? "own" : "openblas");
      let seed = 1;
      for (const [m, n, k] of shapes) {
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            check({ m, n, k, ta, tb, pad: 0, alpha: 1, beta: 0 }, seed++);
            check({ m, n, k, ta, tb, pad: 3, alpha: 0.5, beta: -1.5 }, seed++);
          }
        }
      }
      check({ m: 9, n: 5, k: 0, ta: false, tb: false, pad: 2, alpha: 1, beta: 2 }, seed++); // k = 0: C = beta C
    });

    it(`${g}: a large threaded product (300x1100x260, both transposes)`, () => {
      expect(addon!.setGemm(g)).toBe(true);
      check({ m: 300, n: 1100, k: 260, ta: true, tb: true, pad: 1, alpha: 1, beta: 1 }, 7);
      check({ m: 1100, n: 300, k: 260, ta: false, tb: false, pad: 0, alpha: 2, beta: 0 }, 8);
    });
  }

  it.skipIf(!addon)("RLHF_GEMM=own|openblas at load chooses the GEMM, and the addon says which and why", () => {
    const info = (env: Record<string, string>) => {
      const r = spawnSync(process.execPath, ["-p", `JSON.stringify(require(${JSON.stringify(load.addon && load.path)}).info())`], {
        encoding: "utf8",
        env: { ...process.env, ...env },
      });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { blas: string; gemm: string; gemmReason: string };
    };
    const own = info({ RLHF_GEMM: "own" });
    expect(own).toMatchObject({ gemm: "own", gemmReason: own.blas === "none" ? "built without OpenBLAS" : "RLHF_GEMM=own" });
    const blas = info({ RLHF_GEMM: "openblas" });
    expect(blas.gemm).toBe(own.blas === "none" ? "own" : "openblas");
    // Unset: OpenBLAS, unless it runs pre-AVX2 kernels on a CPU ours vectorise for (this one's
    // Debian OpenBLAS 0.3.21 falls back to "Prescott" on a virtual Xeon).
    const auto = info({ RLHF_GEMM: "" });
    if (auto.gemm === "own" && own.blas !== "none") expect(auto.gemmReason).toBe("OpenBLAS runs pre-AVX2 kernels on this CPU");
    if (/Prescott|Core2|Nehalem/.test(own.blas) && own.blas !== "none") expect(auto.gemm).toBe("own");
  });

  it.skipIf(!addon)("our threaded GEMM from several JavaScript threads at once: every product exact", async () => {
    // The pool runs one task at a time; a thread that finds it busy multiplies inline. Each worker
    // repeats a large product (300x1100x260, split over the pool) and compares with its first result.
    const code = `
      const { parentPort, workerData } = require("node:worker_threads");
      const addon = require(workerData.path);
      if (!addon.setGemm("own")) throw new Error("no own GEMM");
      const m = 300, n = 1100, k = 260;
      const A = new Float32Array(m * k).map((_, i) => Math.sin(i + workerData.seed));
      const B = new Float32Array(k * n).map((_, i) => Math.cos(i * 0.7 + workerData.seed));
      const first = new Float32Array(m * n);
      addon.sgemm(0, 0, m, n, k, 1, A, k, B, n, 0, first, n);
      let mismatches = 0;
      for (let r = 0; r < 30; r++) {
        const C = new Float32Array(m * n);
        addon.sgemm(0, 0, m, n, k, 1, A, k, B, n, 0, C, n);
        for (let i = 0; i < C.length; i++) if (C[i] !== first[i]) { mismatches++; break; }
      }
      parentPort.postMessage(mismatches);`;
    const results = await Promise.all(
      [1, 2, 3].map(
        (seed) =>
          new Promise<number>((resolve, reject) => {
            const w = new Worker(code, { eval: true, workerData: { path: load.addon && load.path, seed } });
            w.once("message", resolve);
            w.once("error", reject);
          }),
      ),
    );
    expect(results).toEqual([0, 0, 0]);
  }, 60_000);

  it.skipIf(!addon)("reports which GEMM runs and rejects names this build lacks", () => {
    const info = addon!.info();
    expect(["own", "openblas"]).toContain(info.gemm);
    expect(info.gemmKernel).toMatch(/^(avx512 12x32|avx2-fma 6x16|generic 6x8)$/);
    expect(addon!.setGemm("mkl")).toBe(false);
    expect(addon!.setGemm("own:neon")).toBe(false);
    expect(addon!.setGemm("openblas")).toBe(info.blas !== "none");
    addon!.setGemm(info.gemm);
  });
});

describe(`MatMul and the fused linear layer on each GEMM, forward and backward, vs pure tfjs${skipReason}`, () => {
  const t = (shape: number[], seed: number) => tf.tensor(randn(shape.reduce((a, b) => a * b, 1), seed), shape);

  // Values and gradients of a scalar function of the inputs.
  const run = (f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[]) =>
    tf.tidy(() => {
      const { value, grads } = tf.valueAndGrads((...ins: tf.Tensor[]) => tf.sum(tf.square(f(...ins))) as tf.Scalar)(xs);
      return [value, ...grads].map((x) => Float32Array.from(x.dataSync()));
    });

  const cases: [string, (...xs: tf.Tensor[]) => tf.Tensor, number[][]][] = [
    ["matMul", (a, b) => tf.matMul(a, b), [[33, 1030], [1030, 7]]],
    ["matMul transposeA/B, batched", (a, b) => tf.matMul(a, b, true, true), [[3, 257, 9], [3, 65, 257]]],
    ["linear with bias", (x, w, b) => fused.linear(x, w as tf.Tensor2D, b as tf.Tensor1D), [[4, 33, 96], [96, 385], [385]]],
  ];

  for (const g of gemms) {
    it(`${g}: ${cases.map((c) => c[0]).join(", ")}`, async () => {
      for (const [name, f, shapes] of cases) {
        const xs = shapes.map((s, i) => t(s, 100 + i));
        uninstallNativeKernels();
        const want = run(f, xs);
        await installNativeKernels({ quiet: true });
        expect(addon!.setGemm(g)).toBe(true);
        const got = run(f, xs);
        uninstallNativeKernels();
        tf.dispose(xs);
        // Largest difference relative to the largest value (float32 sums over 1000+ terms).
        got.forEach((arr, i) => {
          let diff = 0;
          let scale = 0;
          arr.forEach((v, j) => {
            diff = Math.max(diff, Math.abs(v - want[i][j]));
            scale = Math.max(scale, Math.abs(want[i][j]));
          });
          expect(diff / scale, `${name} output ${i}`).toBeLessThan(1e-4);
        });
      }
    });
  }
});
