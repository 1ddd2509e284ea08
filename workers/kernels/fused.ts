// Fused LayerNorm, GELU, causal self-attention and token log-probabilities for the `cpu` backend,
// used by workers/model/ops.ts and workers/train/losses.ts: one native pass forward and one backward
// instead of ~9 + ~20 (LayerNorm), ~8 + ~15 (GELU), ~14 + ~25 (attention: split, reshapes,
// transposes, scale, mask, softmax, two products) and ~10 + ~12 (log-softmax and the one-hot
// select) tfjs ops and their temporaries. A kernel registered under an existing name cannot reach
// these (they are compositions, not kernels), so the model opts in by calling them; elsewhere
// (other backends, RLHF_NATIVE=0, no addon) they compute the same composition of tfjs ops, exported
// as `composed` for the tests that compare the two.
import * as tf from "@tensorflow/tfjs-core";
import type { DataId } from "@tensorflow/tfjs-core";
import { nativeAddon } from "./index.ts";
// Outputs come from the native kernels' buffer pool: every fused kernel overwrites its outputs whole.
import { alloc } from "./pool.ts";

function cpuValues(t: tf.Tensor): Float32Array | null {
  if (t.dtype !== "float32" || tf.getBackend() !== "cpu") return null;
  const backend = tf.backend() as unknown as { data: { get(id: DataId): { values?: unknown } } };
  const values = backend.data.get(t.dataId)?.values;
  return values instanceof Float32Array ? values : null;
}

/** An int32 cpu tensor's values (no copy), or any other numeric tensor's values as Int32Array. */
function cpuInts(t: tf.Tensor): Int32Array | null {
  if (tf.getBackend() !== "cpu") return null;
  const backend = tf.backend() as unknown as { data: { get(id: DataId): { values?: unknown } } };
  const values = backend.data.get(t.dataId)?.values;
  if (values instanceof Int32Array) return values;
  return ArrayBuffer.isView(values) ? Int32Array.from(values as Float32Array) : null;
}

/** Whether the fused native ops serve this process (cpu backend, addon built with them). */
export function fusedAvailable(): boolean {
  const addon = nativeAddon();
  return Boolean(addon && typeof addon.embedding === "function" && tf.getBackend() === "cpu");
}

/** Whether a gradient tape is recording (ops run now may be differentiated). */
function taping(): boolean {
  return ((tf.engine() as unknown as { state: { gradientDepth: number } }).state.gradientDepth ?? 0) > 0;
}

/** Saves tensors for the backward pass (tf.customGrad's save); null when nothing will be differentiated. */
type Save = ((tensors: tf.Tensor[]) => void) | null;

/**
 * Runs a fused op: under a gradient tape through tf.customGrad (forward saves what backward needs);
 * otherwise (inference, generation) forward alone, without customGrad's bookkeeping (~5 us an op).
 * forward receives the inputs as the tape sees them; backward returns one gradient per input.
 */
function fusedOp(
  inputs: tf.Tensor[],
  forward: (xs: tf.Tensor[], save: Save) => tf.Tensor,
  backward: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): tf.Tensor {
  if (!taping()) return forward(inputs, null);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    return { value: forward(args.slice(0, -1) as tf.Tensor[], save), gradFunc: backward };
  });
  return op(...inputs);
}

/**
 * What a fused op must save of a weight: nothing when it is a variable (the backward pass reads the
 * variable itself, unchanged until the optimizer runs after it), which spares the engine a clone per
 * saved tensor; any other tensor must be saved (a tidy may dispose it before the backward pass).
 */
function savedUnlessVariable(t: tf.Tensor): tf.Tensor[] {
  return t instanceof tf.Variable ? [] : [t];
}

/** dy's values (the cpu backend's array when it has one). */
function gradValues(dy: tf.Tensor): Float32Array {
  return cpuValues(dy) ?? (dy.dataSync() as Float32Array);
}

/** workers/model/ops.ts layerNorm, composed of tfjs ops. */
function layerNormOps(x: tf.Tensor, g: tf.Tensor1D, b: tf.Tensor1D, eps: number): tf.Tensor {
  const mu = tf.mean(x, -1, true);
  const xc = tf.sub(x, mu);
  const variance = tf.mean(tf.square(xc), -1, true);
  return tf.add(tf.mul(tf.mul(xc, tf.rsqrt(tf.add(variance, eps))), g), b);
}

const GELU_C = Math.sqrt(2 / Math.PI);

/** workers/model/ops.ts gelu ("gelu_new"), composed of tfjs ops. */
function geluOps(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), GELU_C);
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

/** LayerNorm over the last axis: (x - mean) / sqrt(var + eps) * g + b. */
export function layerNorm(x: tf.Tensor, g: tf.Tensor1D, b: tf.Tensor1D, eps: number): tf.Tensor {
  const addon = nativeAddon();
  const cols = x.shape[x.shape.length - 1];
  if (!addon || !cpuValues(x) || !cpuValues(g) || !cpuValues(b) || g.size !== cols || b.size !== cols || x.size === 0) {
    return layerNormOps(x, g, b, eps);
  }
  const rows = x.size / cols;
  return fusedOp(
    [x, g, b],
    ([xs, gs, bs], save) => {
      const y = alloc(x.size);
      const mean = alloc(rows);
      const rstd = alloc(rows);
      addon.layerNorm(cpuValues(xs)!, cpuValues(gs)!, cpuValues(bs)!, y, mean, rstd, rows, cols, eps);
      save?.([xs, tf.tensor1d(mean), tf.tensor1d(rstd), ...savedUnlessVariable(gs)]);
      return tf.tensor(y, xs.shape, "float32");
    },
    (dy, [sx, sm, sr, sg = g]) => {
      const dx = alloc(sx.size);
      const dg = alloc(cols);
      const db = alloc(cols);
      addon.layerNormGrad(gradValues(dy), cpuValues(sx)!, cpuValues(sg)!, cpuValues(sm)!, cpuValues(sr)!, dx, dg, db, rows, cols);
      return [tf.tensor(dx, sx.shape, "float32"), tf.tensor1d(dg), tf.tensor1d(db)];
    },
  );
}

/** GPT-2's "gelu_new": 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
export function gelu(x: tf.Tensor): tf.Tensor {
  const addon = nativeAddon();
  if (!addon || !cpuValues(x)) return geluOps(x);
  return fusedOp(
    [x],
    ([xs], save) => {
      const y = alloc(xs.size);
      addon.gelu(cpuValues(xs)!, y, xs.size);
      save?.([xs]);
      return tf.tensor(y, xs.shape, "float32");
    },
    (dy, [sx]) => {
      const dx = alloc(sx.size);
      addon.geluGrad(gradValues(dy), cpuValues(sx)!, dx, sx.size);
      return tf.tensor(dx, sx.shape, "float32");
    },
  );
}

/** Keys and values of one layer for the positions seen so far (the KV cache), in one of two forms. */
export type LayerKV = TensorKV | NativeKV;

/** The composed path's cache: tensors [B, H, S, D], a new pair every step. */
export interface TensorKV {
  k: tf.Tensor4D;
  v: tf.Tensor4D;
}

/**
 * The native path's cache: buffers [B, H, capacity, D] that each step appends to in place (no copy of
 * the past per step), holding `length` positions; reallocated (doubled) when a step would overflow.
 */
export interface NativeKV {
  native: true;
  k: Float32Array;
  v: Float32Array;
  length: number;
  capacity: number;
}

/** Positions held by a layer's cache. */
export function kvLength(kv: LayerKV): number {
  return "native" in kv ? kv.length : kv.k.shape[2];
}

/** Frees a layer's cache (tensors are disposed; buffers are left to the garbage collector). */
export function disposeKV(kv: LayerKV): void {
  if (!("native" in kv)) tf.dispose([kv.k, kv.v]);
}

export interface SelfAttentionOptions {
  /** Attention heads (C = nHead * D). */
  nHead: number;
  /** [B, S] 1 = real token, 0 = padding, over past + new positions. */
  keyMask?: tf.Tensor2D;
  /**
   * Generation: this layer's cached keys and values (null on the first step); the result then
   * carries the cache extended by the new positions (the same object when extended in place; a
   * replaced TensorKV is the caller's to dispose). Inference only: not under a gradient tape.
   */
  past?: LayerKV | null;
  /** Positions to reserve when the native path starts a cache (prompt + tokens to generate). */
  capacity?: number;
}

export interface SelfAttentionResult {
  /** [B, T, C], heads merged. */
  y: tf.Tensor3D;
  /** The extended cache, when `past` was given (null or not). */
  kv?: LayerKV;
}

/**
 * Additive attention bias [T, S] for T queries that are the last T of S positions (S >= T): query i may
 * see keys 0 .. S - T + i. Built in JS (no kernels), a constant for autodiff.
 */
export function causalBias(t: number, s: number): tf.Tensor2D {
  const m = new Float32Array(t * s);
  for (let i = 0; i < t; i++) for (let j = s - t + i + 1; j < s; j++) m[i * s + j] = -1e9;
  return tf.tensor2d(m, [t, s]);
}

/** Causal self-attention composed of tfjs ops (the fallback, and the reference for the tests). */
function selfAttentionOps(qkv: tf.Tensor3D, o: SelfAttentionOptions): SelfAttentionResult {
  const [B, T, C3] = qkv.shape;
  const C = C3 / 3;
  const H = o.nHead;
  const D = C / H;
  const [q, kNew, vNew] = tf.split(qkv, 3, 2).map((t) => tf.transpose(tf.reshape(t, [B, T, H, D]), [0, 2, 1, 3]) as tf.Tensor4D);
  let k = kNew;
  let v = vNew;
  if (o.past) {
    if ("native" in o.past) throw new Error("selfAttention: a native KV cache needs the native addon");
    k = tf.concat([o.past.k, kNew], 2);
    v = tf.concat([o.past.v, vNew], 2);
  }
  const S = k.shape[2];
  // Additive mask [B|1, 1, T, S]: causal, plus padding keys when a key mask is given.
  let bias: tf.Tensor = causalBias(T, S);
  if (o.keyMask) bias = tf.add(bias, tf.reshape(tf.mul(tf.sub(1, tf.cast(o.keyMask, "float32")), -1e9), [B, 1, 1, S]));
  const att = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(D)), bias);
  const y = tf.matMul(tf.softmax(att), v); // [B, H, T, D]
  const merged = tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [B, T, C]) as tf.Tensor3D;
  return o.past !== undefined ? { y: merged, kv: { k, v } } : { y: merged };
}

/**
 * Causal self-attention of T new positions from their c_attn projection qkv [B, T, 3C]: y [B, T, C].
 * Fully masked query rows (left padding) give zeros natively and an average of the masked values in
 * the composition; nothing reads those positions' outputs.
 */
export function selfAttention(qkv: tf.Tensor3D, o: SelfAttentionOptions): SelfAttentionResult {
  const addon = nativeAddon();
  const [B, T, C3] = qkv.shape;
  const C = C3 / 3;
  const H = o.nHead;
  const D = C / H;
  const P = o.past ? kvLength(o.past) : 0;
  const S = P + T;
  const qv = addon && typeof addon.attention === "function" ? cpuValues(qkv) : null;
  const mask = o.keyMask ? cpuInts(o.keyMask) : null;
  if (!addon || !qv || (o.keyMask && (!mask || o.keyMask.shape[0] !== B || o.keyMask.shape[1] !== S)) || (o.past && !("native" in o.past)) || !Number.isInteger(D)) {
    return selfAttentionOps(qkv, o);
  }
  if (o.past !== undefined) {
    if (taping()) throw new Error("selfAttention: the KV cache is for inference; no gradient flows through it");
    let kv = o.past;
    if (!kv || S > kv.capacity) {
      // Start the cache, or move it to buffers twice as long (positions 0 .. P-1 of every head).
      const capacity = Math.max(S, o.capacity ?? 0, kv ? 2 * kv.capacity : 0);
      const grown: NativeKV = { native: true, k: new Float32Array(B * H * capacity * D), v: new Float32Array(B * H * capacity * D), length: P, capacity };
      if (kv) {
        for (let bh = 0; bh < B * H; bh++) {
          grown.k.set(kv.k.subarray(bh * kv.capacity * D, (bh * kv.capacity + P) * D), bh * capacity * D);
          grown.v.set(kv.v.subarray(bh * kv.capacity * D, (bh * kv.capacity + P) * D), bh * capacity * D);
        }
      }
      kv = grown;
    }
    const y = alloc(B * T * C);
    addon.attention(qv, kv.k, kv.v, mask, y, null, B, T, P, H, D, kv.capacity);
    kv.length = S;
    return { y: tf.tensor3d(y, [B, T, C]), kv };
  }
  const y = fusedOp(
    [qkv],
    ([x], save) => {
      const out = alloc(B * T * C);
      // The attention weights are kept for the backward pass only.
      const probs = save ? alloc(B * H * T * S) : null;
      addon.attention(cpuValues(x)!, null, null, mask, out, probs, B, T, 0, H, D, 0);
      save?.([x, tf.tensor1d(probs!)]);
      return tf.tensor3d(out, [B, T, C]);
    },
    (dy, [sx, sp]) => {
      const dqkv = alloc(B * T * C3);
      addon.attentionGrad(gradValues(dy), cpuValues(sx)!, cpuValues(sp)!, dqkv, B, T, H, D);
      return tf.tensor3d(dqkv, [B, T, C3]);
    },
  );
  return { y: y as tf.Tensor3D };
}

/** log p(target) per position composed of tfjs ops: logits [B,T,V], targets [B,T] int32 -> [B,T]. */
function tokenLogprobsOps(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Tensor2D {
  const V = logits.shape[2];
  const lp = tf.logSoftmax(logits);
  return tf.sum(tf.mul(lp, tf.cast(tf.oneHot(targets as unknown as tf.Tensor1D, V), "float32")), 2) as tf.Tensor2D;
}

/** log p(target) per position: logits [B,T,V], targets [B,T] int32 -> [B,T]. */
export function tokenLogprobs(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Tensor2D {
  const addon = nativeAddon();
  const [B, T, V] = logits.shape;
  const ids = addon && typeof addon.tokenLogprobs === "function" && targets.dtype === "int32" ? cpuInts(targets) : null;
  if (!addon || !ids || !cpuValues(logits) || targets.shape[0] !== B || targets.shape[1] !== T) {
    return tokenLogprobsOps(logits, targets);
  }
  const N = B * T;
  return fusedOp(
    [logits],
    ([x], save) => {
      const lp = alloc(N);
      const lse = alloc(N);
      if (!addon.tokenLogprobs(cpuValues(x)!, ids, lp, lse, N, V)) {
        throw new Error(`tokenLogprobs: a target id is outside the vocabulary [0, ${V})`);
      }
      // The ids travel through save(): the caller's tidy may dispose `targets` before the backward pass.
      save?.([x, tf.tensor1d(lse), tf.tensor1d(ids, "int32")]);
      return tf.tensor2d(lp, [B, T]);
    },
    (dy, [sx, sl, st]) => {
      const dx = alloc(N * V);
      addon.tokenLogprobsGrad(gradValues(dy), cpuValues(sx)!, cpuInts(st)!, cpuValues(sl)!, dx, N, V);
      return tf.tensor3d(dx, [B, T, V]);
    },
  ) as tf.Tensor2D;
}

/** residual + x [..., in] @ w [in, out] + b [out] -> [..., out], composed of tfjs ops. */
function linearOps(x: tf.Tensor, w: tf.Tensor2D, b?: tf.Tensor1D, residual?: tf.Tensor): tf.Tensor {
  const inDim = x.shape[x.shape.length - 1];
  let y: tf.Tensor = tf.matMul(tf.reshape(x, [-1, inDim]) as tf.Tensor2D, w);
  if (b) y = tf.add(y, b);
  y = tf.reshape(y, [...x.shape.slice(0, -1), w.shape[1]]);
  return residual ? tf.add(residual, y) : y;
}

/**
 * The linear layer x [..., in] @ w [in, out] + b [out] -> [..., out] (GPT-2's Conv1D layout), plus an
 * optional residual [..., out] added in the same pass (the block's `x + proj(...)`): one native
 * product forward, and dx, dw, db in one call backward (the composition spends ~7 kernels forward
 * and ~25 backward on reshapes, the product, the bias, the residual add and their gradients).
 */
export function linear(x: tf.Tensor, w: tf.Tensor2D, b?: tf.Tensor1D, residual?: tf.Tensor): tf.Tensor {
  const addon = nativeAddon();
  const K = x.shape[x.shape.length - 1];
  const N = w.shape[1];
  const shape = [...x.shape.slice(0, -1), N];
  if (
    !addon || typeof addon.linear !== "function" || !cpuValues(x) || !cpuValues(w) || w.shape[0] !== K ||
    (b && (!cpuValues(b) || b.size !== N)) || (residual && (!cpuValues(residual) || !tf.util.arraysEqual(residual.shape, shape)))
  ) {
    return linearOps(x, w, b, residual);
  }
  const M = x.size / Math.max(K, 1);
  const inputs = [x, w];
  if (b) inputs.push(b);
  if (residual) inputs.push(residual);
  return fusedOp(
    inputs,
    (xs, save) => {
      const [xv, wv] = xs;
      const y = alloc(M * N);
      addon.linear(cpuValues(xv)!, cpuValues(wv)!, b ? cpuValues(xs[2])! : null, residual ? cpuValues(xs[xs.length - 1])! : null, y, M, K, N);
      save?.([xv, ...savedUnlessVariable(wv)]);
      return tf.tensor(y, shape, "float32");
    },
    (dy, [sx, sw = w]) => {
      const dx = alloc(M * K);
      const dw = alloc(K * N);
      const db = b ? alloc(N) : null;
      addon.linearGrad(gradValues(dy), cpuValues(sx)!, cpuValues(sw)!, dx, dw, db, M, K, N);
      const grads: tf.Tensor[] = [tf.tensor(dx, sx.shape, "float32"), tf.tensor2d(dw, [K, N])];
      if (db) grads.push(tf.tensor1d(db));
      if (residual) grads.push(tf.reshape(dy, shape));
      return grads;
    },
  );
}

/** Rows of table [V, C] for ids [...] (int32) -> [..., C]: gather, its gradient a one-hot product. */
function embeddingOps(table: tf.Tensor2D, ids: tf.Tensor): tf.Tensor {
  const [V, C] = table.shape;
  const flat = tf.reshape(ids, [ids.size]) as tf.Tensor1D;
  // The ids travel through save() (kept by the tape): the caller's tidy may dispose `flat` before
  // the backward pass runs.
  const lookup = tf.customGrad(((w: tf.Tensor, i: tf.Tensor, save: tf.GradSaveFunc) => {
    save([i]);
    return {
      value: tf.gather(w, i as tf.Tensor1D),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => [
        tf.matMul(tf.cast(tf.oneHot(saved[0] as tf.Tensor1D, V), "float32") as tf.Tensor2D, dy as tf.Tensor2D, true, false),
        tf.zerosLike(saved[0]),
      ],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (w: tf.Tensor, i: tf.Tensor) => tf.Tensor;
  return tf.reshape(lookup(table, flat), [...ids.shape, C]);
}

/** Embedding lookup: rows of table [V, C] for int32 ids [...] -> [..., C]; gradient to the table only. */
export function embedding(table: tf.Tensor2D, ids: tf.Tensor): tf.Tensor {
  const addon = nativeAddon();
  const [V, C] = table.shape;
  const idv = addon && typeof addon.embedding === "function" && ids.dtype === "int32" ? cpuInts(ids) : null;
  if (!addon || !idv || !cpuValues(table)) return embeddingOps(table, ids);
  const n = ids.size;
  return fusedOp(
    [table],
    ([ws], save) => {
      const out = alloc(n * C);
      if (!addon.embedding(cpuValues(ws)!, idv, out, n, V, C)) throw new Error(`embedding: an id is outside [0, ${V})`);
      save?.([tf.tensor1d(idv, "int32")]);
      return tf.tensor(out, [...ids.shape, C], "float32");
    },
    (dy, [sIds]) => {
      const dtable = alloc(V * C);
      addon.embeddingGrad(gradValues(dy), cpuInts(sIds)!, dtable, n, V, C);
      return tf.tensor2d(dtable, [V, C]);
    },
  );
}

/** The compositions of tfjs ops that the fused functions replace (tests compare the two). */
export const composed = {
  layerNorm: layerNormOps,
  gelu: geluOps,
  selfAttention: selfAttentionOps,
  linear: linearOps,
  embedding: embeddingOps,
  tokenLogprobs: tokenLogprobsOps,
};
