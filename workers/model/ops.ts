// The hot path of the GPT: every numeric building block the forward (and so the backward) pass uses.
// Native kernels (BatchMatMul, Softmax, LayerNorm pieces) replace the TensorFlow.js kernels underneath
// these functions; keep the model's arithmetic here so there is one place to swap or fuse.
import { tf } from "./tf.ts";

/**
 * [residual +] x [..., in] @ w [in, out] + b [out] -> [..., out]  (GPT-2 Conv1D layout: w is [in, out]); and the
 * embedding lookup table [V, C] at int32 ids [...] -> [..., C]. Fused native ops forward and backward
 * where the cpu backend has them, else a product plus bias, and a gather with a one-hot gradient.
 */
export { linear, embedding, fusedAvailable } from "../kernels/fused.ts";

// LayerNorm over the last axis and GPT-2's "gelu_new": fused native kernels (forward and backward in one
// pass each) where the cpu backend has them, else the same arithmetic composed of tfjs ops.
export { layerNorm, gelu } from "../kernels/fused.ts";

/**
 * Causal self-attention from the c_attn projection qkv [B, T, 3C] -> y [B, T, C] (and the extended KV
 * cache in generation): one fused native op forward and backward where the cpu backend has it, else
 * split heads, scaled QK^T plus the causal and padding mask, softmax, times V, merged heads.
 */
export { selfAttention, causalBias, kvLength, disposeKV, type LayerKV } from "../kernels/fused.ts";

/** log_softmax over the last axis. */
export function logSoftmax(logits: tf.Tensor): tf.Tensor {
  return tf.logSoftmax(logits);
}

/**
 * One-hot rows as float32 [..., depth]. (tfjs-backend-wasm's OneHot ignores a float32 dtype and
 * writes int32 bits, so build int32 and cast.)
 */
export function oneHotF(indices: tf.Tensor, depth: number): tf.Tensor {
  return tf.cast(tf.oneHot(indices as tf.Tensor1D, depth), "float32");
}
