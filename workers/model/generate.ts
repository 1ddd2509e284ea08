// Sampling from an LM-head GPT: temperature, top-k, top-p (nucleus), a token budget, stop at EOS,
// a seeded RNG (same seed, same tokens). Prompts of different lengths are left-padded into one batch
// (attention mask on the pad keys, positions counted from each prompt's first real token), then decoded
// token by token with a KV cache (or, for testing, by recomputing the whole sequence every step).
import { tf } from "./tf.ts";
import { GPT, KVCache } from "./gpt.ts";
import { Rng } from "./rng.ts";

export interface SamplingOptions {
  /** Most new tokens per sequence (default 64). */
  maxNewTokens: number;
  /** Softmax temperature; 0 = greedy (argmax). Default 1. */
  temperature: number;
  /** Keep only the k most likely tokens; 0 = off (default). */
  topK: number;
  /** Keep the smallest set of tokens whose probability reaches p; 1 = off (default). */
  topP: number;
}

export const DEFAULT_SAMPLING: SamplingOptions = { maxNewTokens: 64, temperature: 1, topK: 0, topP: 1 };

/** New tokens a prompt too long for the model's positions still leaves room for (when asked for as many). */
export const MIN_NEW_TOKENS = 16;

export interface TokenBudget {
  /** Tokens kept of each prompt: its most recent ones (all of them unless it alone does not fit). */
  keep: number[];
  /** Tokens cut from the left of each prompt (0 = the whole prompt is read). */
  dropped: number[];
  /** New tokens to generate: the request, shortened to the positions the prompts leave. */
  maxNewTokens: number;
}

/**
 * Fits prompts and a new-token budget into `positions`: every prompt is kept whole and the budget is
 * shortened to the positions left; a prompt is cut (from the left, keeping its most recent tokens)
 * only when it alone leaves no room for `min(requested, MIN_NEW_TOKENS, positions / 4)` new tokens.
 * (Shortening the prompt to honour the budget would answer without the question.)
 */
export function fitTokenBudget(promptLengths: number[], requested: number, positions: number): TokenBudget {
  const want = Math.max(0, Math.floor(requested));
  const reserve = Math.min(want, Math.max(1, Math.min(MIN_NEW_TOKENS, Math.floor(positions / 4))));
  const keep = promptLengths.map((n) => Math.min(n, positions - reserve));
  const longest = Math.max(0, ...keep);
  return { keep, dropped: promptLengths.map((n, i) => n - keep[i]), maxNewTokens: Math.max(0, Math.min(want, positions - longest)) };
}

export interface GenerateOptions extends Partial<SamplingOptions> {
  /** Stop a sequence after it emits this token (included in the output). */
  eosId?: number;
  /** Token used for left padding (never attended to). */
  padId: number;
  /** RNG to draw from (its state advances); or a seed. */
  rng?: Rng;
  seed?: number;
  /** false: recompute the full sequence each step instead of using the KV cache (tests). */
  useCache?: boolean;
  /** Tokens that may never be sampled (e.g. pad, turn markers). */
  bannedIds?: number[];
  /**
   * Streaming: called after every decoding step with each sequence's new tokens so far (EOS included
   * once emitted). Return false to stop early (the result then holds the tokens made so far).
   */
  onToken?: (tokens: number[][]) => boolean | void | Promise<boolean | void>;
}

export interface GenerateResult {
  /** New tokens per prompt, EOS included when emitted. */
  tokens: number[][];
  /** Tokens cut from the left of each prompt because it alone did not fit the model (0 = read whole). */
  promptTokensDropped: number[];
  /** The new-token budget used: the request, shortened to the positions the prompts left. */
  maxNewTokens: number;
  /** Whether each sequence ended with EOS. */
  finished: boolean[];
  /** Logits row used for each step's draw, for tests: [step][batch] (only when keepLogits). */
  logits?: Float32Array[][];
}

/** Draw one token id from a logits row with the given options. */
export function sampleFromLogits(row: Float32Array, o: SamplingOptions, rng: Rng, banned?: Set<number>): number {
  const V = row.length;
  if (o.temperature <= 0) {
    let best = -1;
    if (!banned || banned.size === 0) {
      for (let i = 0; i < V; i++) if (best < 0 || row[i] > row[best]) best = i;
    } else {
      for (let i = 0; i < V; i++) if (!banned.has(i) && (best < 0 || row[i] > row[best])) best = i;
    }
    return best;
  }
  const idx: number[] = [];
  for (let i = 0; i < V; i++) if (!banned?.has(i)) idx.push(i);
  idx.sort((a, b) => row[b] - row[a]); // descending logits
  let keep = idx;
  if (o.topK > 0 && o.topK < keep.length) keep = keep.slice(0, o.topK);
  const max = row[keep[0]];
  let probs = keep.map((i) => Math.exp((row[i] - max) / o.temperature));
  let z = probs.reduce((a, b) => a + b, 0);
  probs = probs.map((p) => p / z);
  if (o.topP < 1) {
    let cum = 0;
    let n = 0;
    while (n < probs.length && cum < o.topP) cum += probs[n++];
    keep = keep.slice(0, Math.max(1, n));
    probs = probs.slice(0, keep.length);
    z = probs.reduce((a, b) => a + b, 0);
    probs = probs.map((p) => p / z);
  }
  let u = rng.next();
  for (let i = 0; i < keep.length; i++) {
    u -= probs[i];
    if (u < 0) return keep[i];
  }
  return keep[keep.length - 1];
}

/** Generate continuations of token-id prompts. */
export async function generate(model: GPT, prompts: number[][], opts: GenerateOptions & { keepLogits?: boolean }): Promise<GenerateResult> {
  if (model.head !== "lm") throw new Error("generate needs a model with an LM head");
  const o: SamplingOptions = {
    maxNewTokens: opts.maxNewTokens ?? DEFAULT_SAMPLING.maxNewTokens,
    temperature: opts.temperature ?? DEFAULT_SAMPLING.temperature,
    topK: opts.topK ?? DEFAULT_SAMPLING.topK,
    topP: opts.topP ?? DEFAULT_SAMPLING.topP,
  };
  const rng = opts.rng ?? new Rng(opts.seed ?? 0);
  const banned = new Set(opts.bannedIds ?? []);
  const useCache = opts.useCache ?? true;
  const B = prompts.length;
  const P = model.config.blockSize;
  if (prompts.some((p) => p.length === 0)) throw new Error("generate: empty prompt");
  // Keep prompt + budget inside the model's positions: the budget gives way, not the prompt.
  const budget = fitTokenBudget(prompts.map((p) => p.length), o.maxNewTokens, P);
  const ps = prompts.map((p, b) => p.slice(p.length - budget.keep[b]));
  const Tp = Math.max(...ps.map((p) => p.length));
  const maxNew = budget.maxNewTokens;

  // Left-padded batch. seq[b] grows by one token per step.
  const seqs = ps.map((p) => [...new Array(Tp - p.length).fill(opts.padId), ...p]);
  const mask = ps.map((p) => [...new Array(Tp - p.length).fill(0), ...new Array(p.length).fill(1)]);
  const out: number[][] = ps.map(() => []);
  const finished = new Array<boolean>(B).fill(false);
  const keptLogits: Float32Array[][] = [];
  const cache = useCache ? new KVCache(Tp + maxNew) : undefined;

  try {
    for (let step = 0; step < maxNew; step++) {
      const S = seqs[0].length;
      const newT = !useCache || step === 0 ? S : 1;
      // Flat int32 inputs (nested arrays cost more to convert than a small model's whole step).
      const idv = new Int32Array(B * newT);
      const posv = new Int32Array(B * newT);
      const amv = new Int32Array(B * S);
      for (let b = 0; b < B; b++) {
        const pads = Tp - ps[b].length;
        for (let j = 0; j < newT; j++) {
          idv[b * newT + j] = seqs[b][S - newT + j];
          // Position of padded index i of row b: i - (number of left pads), pads at 0 (never attended).
          posv[b * newT + j] = Math.max(0, S - newT + j - pads);
        }
        amv.set(mask[b], b * S);
      }
      const last = tf.tidy(() => {
        const ids = tf.tensor2d(idv, [B, newT], "int32");
        const pos = tf.tensor2d(posv, [B, newT], "int32");
        const am = tf.tensor2d(amv, [B, S], "int32");
        const h = model.hidden(ids, { attentionMask: am as tf.Tensor2D, positions: pos, cache });
        const hl = newT === 1 ? h : tf.slice(h, [0, newT - 1, 0], [B, 1, h.shape[2]]);
        return tf.reshape(model.lmHead(hl as tf.Tensor3D), [B, model.config.vocabSize]);
      });
      const data = (await last.data()) as Float32Array;
      last.dispose();
      const V = model.config.vocabSize;
      const rows: Float32Array[] = [];
      for (let b = 0; b < B; b++) {
        const row = data.subarray(b * V, (b + 1) * V);
        if (opts.keepLogits) rows.push(row.slice());
        let tok = opts.padId;
        if (!finished[b]) {
          tok = sampleFromLogits(row, o, rng, banned);
          out[b].push(tok);
          if (opts.eosId !== undefined && tok === opts.eosId) finished[b] = true;
        }
        seqs[b].push(tok);
        mask[b].push(1);
      }
      if (opts.keepLogits) keptLogits.push(rows);
      if (opts.onToken && (await opts.onToken(out)) === false) break;
      if (opts.eosId !== undefined && finished.every(Boolean)) break;
    }
  } finally {
    cache?.dispose();
  }
  return { tokens: out, finished, promptTokensDropped: budget.dropped, maxNewTokens: maxNew, logits: opts.keepLogits ? keptLogits : undefined };
}
