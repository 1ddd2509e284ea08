// Prompt + response batches, as PPO's rollouts and the demo's evaluation score them: prompts
// left-padded to one length Tp, each response right after its prompt (then padding to Tp + R), with
// the attention mask and the position ids that make the padding invisible to the model.
import { tf } from "../model/tf.ts";
import type { GPT } from "../model/gpt.ts";
import { tokenLogprobs } from "./losses.ts";

export interface PackedResponses {
  B: number;
  /** Longest prompt; every response starts at position Tp. */
  Tp: number;
  /** Longest response (at least 1). */
  R: number;
  S: number;
  /** [B, S] token ids (padId where there is no token). */
  ids: Int32Array;
  /** [B, S] 1 = real token (prompt or response), 0 = padding. */
  mask: Int32Array;
  /** [B, S] position ids counted from each prompt's first real token (0 on padding). */
  pos: Int32Array;
  /** [B, R] 1 where a response token is. */
  respMask: Float32Array;
}

/** Packs prompts[b] and responses[b] into one batch [B, Tp + R] (see PackedResponses). */
export function packResponses(prompts: number[][], responses: number[][], padId: number): PackedResponses {
  const B = prompts.length;
  const Tp = Math.max(...prompts.map((p) => p.length));
  const R = Math.max(1, ...responses.map((r) => r.length));
  const S = Tp + R;
  const ids = new Int32Array(B * S).fill(padId);
  const mask = new Int32Array(B * S);
  const pos = new Int32Array(B * S);
  const respMask = new Float32Array(B * R);
  for (let b = 0; b < B; b++) {
    const p = prompts[b];
    const r = responses[b];
    const pads = Tp - p.length;
    ids.set(p, b * S + pads);
    ids.set(r, b * S + Tp);
    for (let j = 0; j < S; j++) {
      const real = j >= pads && j < Tp + r.length;
      mask[b * S + j] = real ? 1 : 0;
      pos[b * S + j] = real ? j - pads : 0;
    }
    respMask.fill(1, b * R, b * R + r.length);
  }
  return { B, Tp, R, S, ids, mask, pos, respMask };
}

/** Log-probs [B, R] of the response tokens under `model` (logits / temperature, as sampled). */
export function responseLogprobs(model: GPT, ids: tf.Tensor2D, mask: tf.Tensor2D, pos: tf.Tensor2D, Tp: number, R: number, temperature: number): tf.Tensor2D {
  const B = ids.shape[0];
  const logits = model.logits(ids, { attentionMask: mask, positions: pos });
  const V = logits.shape[2];
  const resp = tf.div(tf.slice(logits, [0, Tp - 1, 0], [B, R, V]), temperature + 1e-7) as tf.Tensor3D;
  return tokenLogprobs(resp, tf.slice(ids, [0, Tp], [B, R]) as tf.Tensor2D);
}
