// The hot path of the GPT: every numeric building block the forward (and so the backward) pass uses.
// Native kernels (BatchMatMul, Softmax, LayerNorm pieces) replace the TensorFlow.js kernels underneath
// these functions; keep the model's arithmetic here so there is one place to swap or fuse.
import { tf } from "./tf.ts";

/** x [..., in] @ w [in, out] + b [out] -> [..., out]  (GPT-2 Conv1D layout: w is [in, out]). */
export function linear(x: tf.Tensor, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor {
  const inDim = x.shape[x.shape.length - 1];
  const lead = x.shape.slice(0, -1);
  let y: tf.Tensor = tf.matMul(tf.reshape(x, [-1, inDim]) as tf.Tensor2D, w);
  if (b) y = tf.add(y, b);
  return tf.reshape(y, [...lead, w.shape[1]]);
}

// LayerNorm over the last axis and GPT-2's "gelu_new": fused native kernels (forward and backward in one
// pass each) where the cpu backend has them, else the same arithmetic composed of tfjs ops.
export { layerNorm, gelu } from "../kernels/fused.ts";

/**
 * Scaled dot-product attention.
 * q [B,H,T,D], k,v [B,H,S,D], bias additive [.., T, S] (0 where allowed, -1e9 where masked) -> [B,H,T,D].
 */
export function attention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, bias: tf.Tensor): tf.Tensor4D {
  const d = q.shape[3];
  const att = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(d)), bias);
  return tf.matMul(tf.softmax(att), v) as tf.Tensor4D;
}

/** log_softmax over the last axis. */
export function logSoftmax(logits: tf.Tensor): tf.Tensor {
  return tf.logSoftmax(logits);
}

/**
 * Additive attention bias [T, S] for T queries that are the last T of S positions (S >= T): query i may
 * see keys 0 .. S - T + i. Built in JS (no kernels), a constant for autodiff.
 */
export function causalBias(t: number, s: number): tf.Tensor2D {
  const m = new Float32Array(t * s);
  for (let i = 0; i < t; i++) for (let j = S_(s, t, i) + 1; j < s; j++) m[i * s + j] = -1e9;
  return tf.tensor2d(m, [t, s]);
}
function S_(s: number, t: number, i: number): number {
  return s - t + i;
}

/**
 * One-hot rows as float32 [..., depth]. (tfjs-backend-wasm's OneHot ignores a float32 dtype and
 * writes int32 bits, so build int32 and cast.)
 */
export function oneHotF(indices: tf.Tensor, depth: number): tf.Tensor {
  return tf.cast(tf.oneHot(indices as tf.Tensor1D, depth), "float32");
}
