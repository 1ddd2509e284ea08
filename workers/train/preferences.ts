// Preference groups as model inputs, shared by the reward model and DPO. A group is one prompt with
// K completions and the pairs a ranking of them gives; all its sequences go into one batch, and its
// pairs weigh 1 / (number of pairs), so a K-way ranking counts as one batch element (InstructGPT).
import { tf } from "../model/tf.ts";
import { oneHotF } from "../model/ops.ts";
import type { PreferenceGroup } from "../data/index.ts";
import type { Tokenizer } from "../tokenizer/index.ts";
import { encodeCompletion, encodePrompt } from "../tokenizer/chat.ts";

export interface EncodedGroup {
  /** prompt + completion ids per completion, cut from the left to maxLen + 1 tokens. */
  seqs: number[][];
  /** Tokens of each seq that belong to the completion (counted from the end). */
  completionLen: number[];
  pairs: [number, number][];
}

export async function encodeGroups(tok: Tokenizer, groups: PreferenceGroup[], maxLen: number): Promise<EncodedGroup[]> {
  const out: EncodedGroup[] = [];
  for (const g of groups) {
    const prompt = await encodePrompt(tok, g.prompt);
    const seqs: number[][] = [];
    const completionLen: number[] = [];
    for (const c of g.completions) {
      const comp = (await encodeCompletion(tok, c)).slice(0, maxLen);
      const seq = [...prompt, ...comp].slice(-(maxLen + 1)); // keep the completion and its EOS
      seqs.push(seq);
      completionLen.push(Math.min(comp.length, seq.length - 1));
    }
    out.push({ seqs, completionLen, pairs: g.pairs });
  }
  return out;
}

export interface PreferenceBatch {
  /** [N, T] right-padded sequences of all completions of the batch's groups. */
  ids: tf.Tensor2D;
  /** Index of each sequence's last real token (its EOS). */
  lastIndex: number[];
  /** [N, T-1] 1 where position t predicts a completion token ids[t+1]. */
  completionMask: tf.Tensor2D;
  /** [P, N] one-hot selectors of each pair's chosen and rejected sequence; [P] pair weights. */
  chosenSel: tf.Tensor2D;
  rejectedSel: tf.Tensor2D;
  weights: tf.Tensor1D;
  groups: number;
  pairs: number;
  tokens: number;
}

export function preferenceBatch(groups: EncodedGroup[], padId: number): PreferenceBatch {
  const seqs: number[][] = [];
  const compLen: number[] = [];
  const chosen: number[] = [];
  const rejected: number[] = [];
  const w: number[] = [];
  for (const g of groups) {
    const base = seqs.length;
    seqs.push(...g.seqs);
    compLen.push(...g.completionLen);
    for (const [c, r] of g.pairs) {
      chosen.push(base + c);
      rejected.push(base + r);
      w.push(1 / g.pairs.length);
    }
  }
  const N = seqs.length;
  const T = Math.max(...seqs.map((s) => s.length));
  const ids = new Int32Array(N * T).fill(padId);
  const cm = new Float32Array(N * Math.max(1, T - 1));
  seqs.forEach((s, i) => {
    ids.set(s, i * T);
    for (let t = s.length - 1 - compLen[i]; t < s.length - 1; t++) if (t >= 0) cm[i * (T - 1) + t] = 1;
  });
  return {
    ids: tf.tensor2d(ids, [N, T], "int32"),
    lastIndex: seqs.map((s) => s.length - 1),
    completionMask: tf.tensor2d(cm, [N, Math.max(1, T - 1)]),
    chosenSel: tf.tidy(() => oneHotF(tf.tensor1d(chosen, "int32"), N)) as tf.Tensor2D,
    rejectedSel: tf.tidy(() => oneHotF(tf.tensor1d(rejected, "int32"), N)) as tf.Tensor2D,
    weights: tf.tensor1d(w),
    groups: groups.length,
    pairs: w.length,
    tokens: seqs.reduce((a, s) => a + s.length, 0),
  };
}

export function disposeBatch(b: PreferenceBatch): void {
  tf.dispose([b.ids, b.completionMask, b.chosenSel, b.rejectedSel, b.weights]);
}

/** Select per-sequence values [N] for each pair: sel [P, N] @ v -> [P]. */
export function selectPairs(sel: tf.Tensor2D, v: tf.Tensor1D): tf.Tensor1D {
  return tf.reshape(tf.matMul(sel, tf.reshape(v, [-1, 1]) as tf.Tensor2D), [-1]) as tf.Tensor1D;
}
