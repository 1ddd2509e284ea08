// GPT configuration and presets (nanoGPT's GPTConfig, named as in GPT-2's config.json where saved).

export interface GPTConfig {
  /** Token vocabulary size; set from the tokenizer (GPT-2: 50257). */
  vocabSize: number;
  /** Longest sequence the model reads = number of learned positions (nanoGPT block_size; GPT-2: 1024). */
  blockSize: number;
  /** Transformer blocks (GPT-2 small: 12). */
  nLayer: number;
  /** Attention heads per block; nEmbd must be divisible by it (GPT-2 small: 12). */
  nHead: number;
  /** Width of the residual stream (GPT-2 small: 768). */
  nEmbd: number;
  /** LayerNorm epsilon (GPT-2: 1e-5). */
  layerNormEps: number;
  /**
   * How token ids become vectors. "onehot": one-hot(ids) @ wte, forward and backward are matmuls and
   * every backend has them (tfjs `wasm` has no gradient for gather). "gather": gather forward, the
   * same one-hot matmul backward (custom gradient). Both give the same numbers; bench/train.ts times
   * them (see the README section).
   */
  embedding: "onehot" | "gather";
}

export type PresetName = "tiny" | "small" | "gpt2-124m";

export interface ModelPreset {
  model: Omit<GPTConfig, "vocabSize">;
  /** Vocabulary size the byte-level BPE tokenizer is trained to (specials included). */
  tokenizerVocabSize: number;
}

/** Presets: `tiny` trains in seconds in tests; `small` is a CPU demo; `gpt2-124m` is GPT-2 small (GPU). */
export const PRESETS: Record<PresetName, ModelPreset> = {
  // 2 x 32-wide blocks, about 30k parameters plus embeddings: a few ms per step on 2 CPU cores.
  tiny: { model: { blockSize: 64, nLayer: 2, nHead: 2, nEmbd: 32, layerNormEps: 1e-5, embedding: "onehot" }, tokenizerVocabSize: 320 },
  // 4 x 128-wide blocks (0.8M parameters + embeddings): the CPU demo size of PLATFORM-NOTES.md.
  small: { model: { blockSize: 128, nLayer: 4, nHead: 4, nEmbd: 128, layerNormEps: 1e-5, embedding: "onehot" }, tokenizerVocabSize: 1024 },
  // GPT-2 small (Radford et al. 2019): 124M parameters; for a GPU backend.
  "gpt2-124m": { model: { blockSize: 1024, nLayer: 12, nHead: 12, nEmbd: 768, layerNormEps: 1e-5, embedding: "gather" }, tokenizerVocabSize: 50257 },
};

export function isPresetName(s: string): s is PresetName {
  return s in PRESETS;
}

export function validateConfig(c: GPTConfig): GPTConfig {
  for (const k of ["vocabSize", "blockSize", "nLayer", "nHead", "nEmbd"] as const) {
    if (!Number.isInteger(c[k]) || c[k] <= 0) throw new Error(`model config: ${k} must be a positive integer, got ${c[k]}`);
  }
  if (c.nEmbd % c.nHead !== 0) throw new Error(`model config: nEmbd (${c.nEmbd}) must be divisible by nHead (${c.nHead})`);
  if (c.embedding !== "onehot" && c.embedding !== "gather") throw new Error(`model config: embedding must be "onehot" or "gather"`);
  return c;
}
