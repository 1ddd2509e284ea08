// Engine-side measurements for the demo's report: sample answers of a model version on held-out prompts,
// reward-model scores of answers, and the KL of a policy from its reference on the policy's own samples.
// Models are read from their directories (the worker's artifacts); nothing here touches the database.
import { tf } from "../model/tf.ts";
import { initBackend } from "../backend.ts";
import { loadModel } from "../checkpoint/index.ts";
import { generate } from "../model/generate.ts";
import { Rng } from "../model/rng.ts";
import type { GPT } from "../model/gpt.ts";
import type { Tokenizer } from "../tokenizer/index.ts";
import { encodeCompletion, encodePrompt } from "../tokenizer/chat.ts";
import { packResponses, responseLogprobs } from "../train/responses.ts";

export interface SampleOptions {
  /** Answers per prompt. */
  samples: number;
  temperature: number;
  maxNewTokens: number;
  seed: number;
  /** Prompts per generation batch. */
  batchSize?: number;
}

export interface Samples {
  /** texts[p][j]: answer j to prompt p. */
  texts: string[][];
  /** Token ids of each answer (EOS included when emitted). */
  tokens: number[][][];
}

const chunks = <T>(xs: T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));

async function open(dir: string, head: "lm" | "scalar") {
  await initBackend({ log: () => {} });
  return loadModel(dir, { head, trainable: false });
}

/** `samples` answers to every prompt, drawn with a seeded RNG (same seed, same answers). */
export async function sampleAnswers(modelDir: string, prompts: string[], o: SampleOptions): Promise<Samples> {
  const { model, tokenizer } = await open(modelDir, "lm");
  try {
    const encoded = await Promise.all(prompts.map((p) => encodePrompt(tokenizer, [{ role: "user", content: p }])));
    const texts: string[][] = prompts.map(() => []);
    const tokens: number[][][] = prompts.map(() => []);
    const rng = new Rng(o.seed);
    const banned = tokenizer.specialIds.filter((id) => id !== tokenizer.eosId);
    const idx = encoded.map((_, i) => i);
    for (let j = 0; j < o.samples; j++) {
      for (const part of chunks(idx, o.batchSize ?? 32)) {
        const out = await generate(model, part.map((i) => encoded[i]), {
          maxNewTokens: o.maxNewTokens,
          temperature: o.temperature,
          eosId: tokenizer.eosId,
          padId: tokenizer.padId,
          rng,
          bannedIds: banned,
        });
        for (const [b, i] of part.entries()) {
          tokens[i].push(out.tokens[b]);
          texts[i].push((await tokenizer.decode(out.tokens[b], true)).trim());
        }
      }
    }
    return { texts, tokens };
  } finally {
    model.dispose();
  }
}

/** Summed log-probabilities (logits / temperature) of each response given its prompt: [N]. */
async function sequenceLogprobs(model: GPT, tokenizer: Tokenizer, prompts: number[][], responses: number[][], temperature: number): Promise<number[]> {
  const out: number[] = [];
  const idx = prompts.map((_, i) => i);
  for (const part of chunks(idx, 32)) {
    const { B, Tp, R, S, ids, mask, pos, respMask } = packResponses(part.map((i) => prompts[i]), part.map((i) => responses[i]), tokenizer.padId);
    const sums = tf.tidy(() => {
      const lp = responseLogprobs(model, tf.tensor2d(ids, [B, S], "int32"), tf.tensor2d(mask, [B, S], "int32"), tf.tensor2d(pos, [B, S], "int32"), Tp, R, temperature);
      return tf.sum(tf.mul(lp, tf.tensor2d(respMask, [B, R])), 1);
    });
    out.push(...((await sums.array()) as number[]));
    sums.dispose();
  }
  return out;
}

/**
 * KL(policy || reference) in nats per answer, estimated on the policy's own samples (k1: the mean of
 * log pi(y|x) - log ref(y|x)), with both models' logits divided by the sampling temperature, as PPO's
 * objective/kl.
 */
export async function klToReference(policyDir: string, referenceDir: string, prompts: string[], samples: Samples, temperature: number): Promise<number> {
  const flatPrompts: string[] = [];
  const flatTokens: number[][] = [];
  samples.tokens.forEach((ts, p) => ts.forEach((t) => {
    if (t.length) {
      flatPrompts.push(prompts[p]);
      flatTokens.push(t);
    }
  }));
  if (!flatTokens.length) return 0;
  const lp = async (dir: string) => {
    const { model, tokenizer } = await open(dir, "lm");
    try {
      const enc = await Promise.all(flatPrompts.map((p) => encodePrompt(tokenizer, [{ role: "user", content: p }])));
      return await sequenceLogprobs(model, tokenizer, enc, flatTokens, temperature);
    } finally {
      model.dispose();
    }
  };
  const a = await lp(policyDir);
  const b = await lp(referenceDir);
  return a.reduce((s, x, i) => s + x - b[i], 0) / a.length;
}

/** The reward model's score of each (prompt, answer), read at the answer's EOS as in training. */
export async function rewardScores(rmDir: string, items: { prompt: string; answer: string }[]): Promise<number[]> {
  const { model, tokenizer } = await open(rmDir, "scalar");
  try {
    const maxLen = model.config.blockSize - 1;
    const seqs: number[][] = [];
    for (const it of items) {
      const prompt = await encodePrompt(tokenizer, [{ role: "user", content: it.prompt }]);
      const comp = (await encodeCompletion(tokenizer, it.answer)).slice(0, maxLen);
      seqs.push([...prompt, ...comp].slice(-(maxLen + 1)));
    }
    const out: number[] = [];
    for (const part of chunks(seqs, 64)) {
      const T = Math.max(...part.map((s) => s.length));
      const ids = new Int32Array(part.length * T).fill(tokenizer.padId);
      part.forEach((s, i) => ids.set(s, i * T));
      const r = tf.tidy(() => model.rewardAt(tf.tensor2d(ids, [part.length, T], "int32"), part.map((s) => s.length - 1)));
      out.push(...((await r.array()) as number[]));
      r.dispose();
    }
    return out;
  } finally {
    model.dispose();
  }
}
