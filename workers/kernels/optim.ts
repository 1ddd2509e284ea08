// A fused AdamW update for the `cpu` backend: one native pass per parameter instead of the ~14
// tfjs ops (and ~14 temporary tensors) that workers/train/adamw.ts spends on it, plus the global
// gradient norm without a tensor per parameter. Same arithmetic as adamw.ts, in float32.
//
// Registered kernels cannot reach an optimizer (it is many small ops, not one kernel), so the
// optimizer opts in: call fusedAdamWStep() and fall back to its own tfjs ops when it returns false
// (another backend, RLHF_NATIVE=0, or no addon).
import * as tf from "@tensorflow/tfjs-core";
import type { DataId } from "@tensorflow/tfjs-core";
import { nativeAddon } from "./index.ts";
import { alloc, isPrivate } from "./pool.ts";

export interface FusedAdamWParam {
  variable: tf.Variable;
  /** First and second moments, same shape as the variable. */
  m: tf.Variable;
  v: tf.Variable;
  /** Decoupled weight decay applies. */
  decay: boolean;
}

export interface FusedAdamWOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Bias corrections 1 - beta1^t and 1 - beta2^t. */
  bc1: number;
  bc2: number;
  /** Gradient scale from clipping (1 = none). */
  scale: number;
}

/**
 * Whether a variable's array may be overwritten in place: the cpu backend holds it for this tensor alone
 * (refCount 1: no clone, reshape or other tensor shares it) and the kernel pool knows it never escaped
 * (dataSync/data hand the backend's own array out; GPT.values() and checkpoints read them so).
 */
function exclusive(t: tf.Tensor, values: Float32Array): boolean {
  const backend = tf.backend() as unknown as { data: { get(id: DataId): { refCount?: number } | undefined } };
  return backend.data.get(t.dataId)?.refCount === 1 && isPrivate(values);
}

function cpuValues(t: tf.Tensor): Float32Array | null {
  if (t.dtype !== "float32" || tf.getBackend() !== "cpu") return null;
  const backend = tf.backend() as unknown as { data: { get(id: DataId): { values?: unknown } } };
  const values = backend.data.get(t.dataId)?.values;
  return values instanceof Float32Array ? values : null;
}

/** sqrt(sum of squares of every gradient), or null where the fused path is unavailable. */
export function globalGradNorm(grads: tf.Tensor[]): number | null {
  const addon = nativeAddon();
  if (!addon) return null;
  let sum = 0;
  for (const g of grads) {
    const values = cpuValues(g);
    if (!values) return null;
    sum += addon.sumSquares(values);
  }
  return Math.sqrt(sum);
}

/**
 * Applies one AdamW update to every parameter that has a gradient (grads[i] for params[i]); the
 * variables and moments get new values (assign), nothing is modified in place. Returns false, having
 * changed nothing, where the fused path is unavailable.
 */
export function fusedAdamWStep(params: FusedAdamWParam[], grads: (tf.Tensor | undefined)[], o: FusedAdamWOptions): boolean {
  const addon = nativeAddon();
  if (!addon) return false;
  const work: { p: FusedAdamWParam; values: Float32Array[]; shape: number[] }[] = [];
  for (let i = 0; i < params.length; i++) {
    const g = grads[i];
    if (!g) continue;
    const p = params[i];
    const values = [p.variable, p.m, p.v, g].map(cpuValues);
    if (values.some((x) => !x || x.length !== p.variable.size)) return false;
    work.push({ p, values: values as Float32Array[], shape: p.variable.shape });
  }
  const inPlace = typeof addon.adamwInPlace === "function";
  tf.tidy(() => {
    for (const { p, values, shape } of work) {
      const [pv, mv, vv, gv] = values;
      const decay = p.decay ? o.weightDecay : 0;
      if (inPlace && exclusive(p.variable, pv) && exclusive(p.m, mv) && exclusive(p.v, vv)) {
        // Nothing else can see these arrays: update them where they are.
        addon.adamwInPlace(pv, mv, vv, gv, o.lr, o.beta1, o.beta2, o.eps, o.bc1, o.bc2, decay, o.scale);
        continue;
      }
      // New arrays from the kernel pool, which tracks where they go: the next step can usually update
      // them in place.
      const pOut = alloc(pv.length);
      const mOut = alloc(pv.length);
      const vOut = alloc(pv.length);
      addon.adamw(pv, mv, vv, gv, pOut, mOut, vOut, o.lr, o.beta1, o.beta2, o.eps, o.bc1, o.bc2, decay, o.scale);
      p.m.assign(tf.tensor(mOut, shape, "float32"));
      p.v.assign(tf.tensor(vOut, shape, "float32"));
      p.variable.assign(tf.tensor(pOut, shape, "float32"));
    }
  });
  return true;
}
