// Loads the native kernel addon built from native/ (scripts/build-native.mjs). Never throws: a
// missing or unloadable addon comes back as a one-line reason so the caller can fall back to the
// pure-JS `cpu` kernels and say why.
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The functions exported by native/src/addon.cc; every buffer is allocated by the caller. */
export interface NativeAddon {
  matmul(a: Float32Array, b: Float32Array, out: Float32Array, batch: number, batchA: number,
    batchB: number, m: number, n: number, k: number, transA: number, transB: number): void;
  /** dims = [rank, outShape..., aShape..., bShape...] (a and b left-padded with 1s to rank). */
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array, dims: Int32Array): void;
  unary(op: number, x: Float32Array, out: Float32Array, n: number, alpha: number): void;
  /** x viewed as [outer, red, inner], out as [outer, inner]. */
  reduce(op: number, x: Float32Array, out: Float32Array, outer: number, red: number,
    inner: number): void;
  softmax(x: Float32Array, out: Float32Array, rows: number, cols: number): void;
  /** dims = [rank, shape..., perm...]. */
  transpose(x: Float32Array, out: Float32Array, dims: Int32Array): void;
  /** dims = [rank, shape..., begin..., size...]; toFull 0: box = full[box], 1: full[box] = box. */
  slice(full: Float32Array, box: Float32Array, dims: Int32Array, toFull: number): void;
  segmentSum(data: Float32Array, segmentIds: Int32Array, out: Float32Array, n: number,
    numSegments: number, inner: number): void;
  gather(x: Float32Array, indices: Int32Array, out: Float32Array, outer: number, axisDim: number,
    inner: number, nIdx: number): boolean;
  addN(xs: Float32Array[], out: Float32Array): void;
  /** One AdamW update out of place (see native/src/kernels.h). */
  adamw(p: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, pOut: Float32Array,
    mOut: Float32Array, vOut: Float32Array, lr: number, beta1: number, beta2: number, eps: number,
    biasCorrection1: number, biasCorrection2: number, weightDecay: number, scale: number): void;
  /** The same update in place: p, m and v are overwritten. */
  adamwInPlace(p: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, lr: number, beta1: number,
    beta2: number, eps: number, biasCorrection1: number, biasCorrection2: number, weightDecay: number,
    scale: number): void;
  /** Sum of squares, accumulated in double precision. */
  sumSquares(x: Float32Array): number;
  layerNorm(x: Float32Array, g: Float32Array, b: Float32Array, y: Float32Array, mean: Float32Array,
    rstd: Float32Array, rows: number, cols: number, eps: number): void;
  layerNormGrad(dy: Float32Array, x: Float32Array, g: Float32Array, mean: Float32Array,
    rstd: Float32Array, dx: Float32Array, dg: Float32Array, db: Float32Array, rows: number,
    cols: number): void;
  gelu(x: Float32Array, y: Float32Array, n: number): void;
  geluGrad(dy: Float32Array, x: Float32Array, dx: Float32Array, n: number): void;
  /**
   * Fused causal self-attention (native/src/kernels.h attention_forward): qkv [B, T, 3C]; with a cache
   * (cacheK/cacheV [B, H, capacity, D] holding P positions) the new keys/values are appended there in
   * place; optional key mask [B, P + T]; writes y [B, T, C] and optionally the attention weights
   * probs [B, H, T, P + T].
   */
  attention(qkv: Float32Array, cacheK: Float32Array | null, cacheV: Float32Array | null, keyMask: Int32Array | null,
    y: Float32Array, probs: Float32Array | null, B: number, T: number, P: number, H: number, D: number,
    capacity: number): void;
  /** Its gradient without a cache: dqkv [B, T, 3C]. */
  attentionGrad(dy: Float32Array, qkv: Float32Array, probs: Float32Array, dqkv: Float32Array, B: number,
    T: number, H: number, D: number): void;
  /** y [M, N] = residual [M, N] + x [M, K] @ w [K, N] + b [N] (b and residual may be null). */
  linear(x: Float32Array, w: Float32Array, b: Float32Array | null, residual: Float32Array | null, y: Float32Array,
    M: number, K: number, N: number): void;
  /** dx = dy w^T, dw = x^T dy, db = column sums of dy (each may be null). */
  linearGrad(dy: Float32Array, x: Float32Array, w: Float32Array, dx: Float32Array | null, dw: Float32Array | null,
    db: Float32Array | null, M: number, K: number, N: number): void;
  /** out[i] = table[ids[i]] for table [V, C]; false on an id outside [0, V). */
  embedding(table: Float32Array, ids: Int32Array, out: Float32Array, n: number, V: number, C: number): boolean;
  /** dtable [V, C] (overwritten) = sum of dy rows per id. */
  embeddingGrad(dy: Float32Array, ids: Int32Array, dtable: Float32Array, n: number, V: number, C: number): void;
  /** lp[n] = log softmax(logits[n])[targets[n]], lse[n] = logsumexp; false on a target outside [0, V). */
  tokenLogprobs(logits: Float32Array, targets: Int32Array, lp: Float32Array, lse: Float32Array, N: number,
    V: number): boolean;
  tokenLogprobsGrad(dlp: Float32Array, logits: Float32Array, targets: Int32Array, lse: Float32Array,
    dlogits: Float32Array, N: number, V: number): void;
  /** glibc mallopt: M_MMAP_THRESHOLD and M_TRIM_THRESHOLD (bytes); false where not glibc. */
  tuneMalloc(mmapThreshold: number, trimThreshold: number): boolean;
  setThreads(n: number): void;
  /**
   * blas: OpenBLAS's config, or "none" when built without it; gemm: the GEMM every product runs,
   * "openblas" or "own" (native/src/gemm.cc), and gemmReason why; gemmKernel: our GEMM's
   * micro-kernel on this CPU.
   */
  info(): { blas: string; blasThreads: number; gemm: "own" | "openblas"; gemmReason: string; gemmKernel: string };
  /** Row-major C = alpha op(A) op(B) + beta C by the active GEMM (the product all kernels use). */
  sgemm(transA: number, transB: number, m: number, n: number, k: number, alpha: number, A: Float32Array,
    lda: number, B: Float32Array, ldb: number, beta: number, C: Float32Array, ldc: number): void;
  /**
   * Switches the GEMM ("openblas", "own", or "own:generic" | "own:avx2" | "own:avx512" for a
   * micro-kernel); false when this build or CPU lacks it. RLHF_GEMM=own at load does the same.
   */
  setGemm(name: string): boolean;
}

export type AddonLoad = { addon: NativeAddon; path: string } | { addon: null; reason: string };

/** Where `npm run build:native` puts the addon; RLHF_NATIVE_ADDON overrides (tests use it). */
export function defaultAddonPath(): string {
  return process.env.RLHF_NATIVE_ADDON ?? builtAddonPath;
}
// Resolved once: the fused ops ask for the addon on every call (a URL round trip costs ~2.5 us).
const builtAddonPath = fileURLToPath(new URL("../../native/build/Release/rlhf_kernels.node", import.meta.url));

let cached: AddonLoad | undefined;
let cachedPath: string | undefined;

export function loadAddon(path = defaultAddonPath()): AddonLoad {
  if (cached && cachedPath === path) return cached;
  cachedPath = path;
  if (!existsSync(path)) {
    cached = {
      addon: null,
      reason: `native addon not built (${path} missing; run \`npm run build:native\`, which needs g++ and make)`,
    };
    return cached;
  }
  try {
    const require = createRequire(import.meta.url);
    cached = { addon: require(path) as NativeAddon, path };
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    cached = { addon: null, reason: `native addon failed to load (${path}): ${message}` };
  }
  return cached;
}
