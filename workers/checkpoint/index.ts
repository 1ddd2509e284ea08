// Model directories in Hugging Face's GPT-2 layout, so other tools read ours and we read theirs:
//
//   DIR/config.json             GPT-2 config (n_embd, n_layer, n_head, n_positions, vocab_size, ...)
//                               plus an "rlhf" section (head, stage, reward bias, embedding mode ...)
//   DIR/model.safetensors       GPT-2 names: wte.weight, wpe.weight, h.0.attn.c_attn.weight ([in, out],
//                               Conv1D layout), ln_f.weight ...; a scalar-head model (reward / value)
//                               is saved as GPT2ForSequenceClassification: transformer.* + score.weight
//   DIR/tokenizer.json          Hugging Face tokenizer (+ tokenizer_config.json with the chat template)
//
// Loading accepts both naming styles (with or without "transformer."), ignores GPT-2's attention-mask
// buffers and the tied lm_head.weight, and grows the embedding when the chat template's special
// tokens had to be added to the tokenizer (GPT-2's tokenizer has only <|endoftext|>).
import fs from "node:fs";
import path from "node:path";
import { type GPTConfig, validateConfig } from "../model/config.ts";
import { GPT, type HeadKind, paramSpecs } from "../model/gpt.ts";
import { Rng } from "../model/rng.ts";
import { Tokenizer, loadTokenizer } from "../tokenizer/index.ts";
import { readSafetensors, writeSafetensors, type StoredTensor } from "./safetensors.ts";

export interface EngineMeta {
  /** Which head the weights carry. */
  head: HeadKind;
  /** The stage that wrote this model (pretrain, sft, rm, ppo, dpo), if ours. */
  stage?: string;
  embedding?: GPTConfig["embedding"];
  /** Metrics at the end of training, for the model registry. */
  metrics?: Record<string, number>;
  [k: string]: unknown;
}

/** config.json as we write it: GPT-2's fields and our own section. */
export function hfConfig(c: GPTConfig, tok: Tokenizer, meta: EngineMeta): Record<string, unknown> {
  return {
    model_type: "gpt2",
    architectures: [meta.head === "scalar" ? "GPT2ForSequenceClassification" : "GPT2LMHeadModel"],
    vocab_size: c.vocabSize,
    n_positions: c.blockSize,
    n_ctx: c.blockSize,
    n_embd: c.nEmbd,
    n_layer: c.nLayer,
    n_head: c.nHead,
    n_inner: null,
    activation_function: "gelu_new",
    layer_norm_epsilon: c.layerNormEps,
    resid_pdrop: 0,
    embd_pdrop: 0,
    attn_pdrop: 0,
    initializer_range: 0.02,
    tie_word_embeddings: true,
    bos_token_id: tok.eosId,
    eos_token_id: tok.eosId,
    pad_token_id: tok.padId,
    num_labels: 1,
    torch_dtype: "float32",
    rlhf: { ...meta, embedding: c.embedding },
  };
}

/** Write a model directory (config.json, model.safetensors, tokenizer.json). */
export async function saveModel(dir: string, model: GPT, tok: Tokenizer, meta: Omit<EngineMeta, "head">): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const values = await model.values();
  const tensors: Record<string, StoredTensor> = {};
  const prefix = model.head === "scalar" ? "transformer." : "";
  for (const s of model.specs) {
    const name = s.name.startsWith("score.") ? s.name : prefix + s.name;
    tensors[name] = { shape: s.shape, data: values[s.name] };
  }
  writeSafetensors(path.join(dir, "model.safetensors"), tensors, { format: "pt" });
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify(hfConfig(model.config, tok, { ...meta, head: model.head }), null, 2));
  await tok.save(dir);
}

export interface LoadedModel {
  model: GPT;
  tokenizer: Tokenizer;
  /** The "rlhf" section of config.json ({} for foreign checkpoints). */
  meta: Partial<EngineMeta>;
  config: GPTConfig;
}

export interface LoadModelOptions {
  /** Head wanted; default: the head the checkpoint has. A missing scalar head is initialised N(0, 0.02). */
  head?: HeadKind;
  trainable?: boolean;
  /** Initialises parameters the checkpoint lacks. */
  rng?: Rng;
  /** Override the embedding mode stored in the checkpoint. */
  embedding?: GPTConfig["embedding"];
}

/** Read config.json of a model dir into a GPTConfig (GPT-2 field names). */
export function readModelConfig(dir: string): { config: GPTConfig; meta: Partial<EngineMeta> } {
  const file = path.join(dir, "config.json");
  if (!fs.existsSync(file)) throw new Error(`${dir}: not a model directory (no config.json)`);
  const j = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  const num = (k: string, alt?: string) => {
    const v = j[k] ?? (alt ? j[alt] : undefined);
    if (typeof v !== "number") throw new Error(`${file}: field '${k}' must be a number`);
    return v;
  };
  const meta = (j.rlhf ?? {}) as Partial<EngineMeta>;
  const config: GPTConfig = {
    vocabSize: num("vocab_size"),
    blockSize: num("n_positions", "n_ctx"),
    nLayer: num("n_layer"),
    nHead: num("n_head"),
    nEmbd: num("n_embd"),
    layerNormEps: typeof j.layer_norm_epsilon === "number" ? j.layer_norm_epsilon : 1e-5,
    embedding: meta.embedding === "gather" || meta.embedding === "onehot" ? meta.embedding : "onehot",
  };
  return { config: validateConfig(config), meta };
}

/** Load a model directory (ours or a Hugging Face GPT-2 checkpoint) as a GPT. */
export async function loadModel(dir: string, opts: LoadModelOptions = {}): Promise<LoadedModel> {
  const { config: base, meta } = readModelConfig(dir);
  const { tokenizer, added } = loadTokenizer(dir);
  const file = path.join(dir, "model.safetensors");
  if (!fs.existsSync(file)) throw new Error(`${dir}: no model.safetensors`);
  const { tensors } = readSafetensors(file);
  const values: Record<string, Float32Array> = {};
  let hasScore = false;
  for (const [raw, t] of Object.entries(tensors)) {
    const name = raw.startsWith("transformer.") ? raw.slice("transformer.".length) : raw;
    if (name === "lm_head.weight" || /\.attn\.(masked_)?bias$/.test(name)) continue; // tied / buffers
    if (name.startsWith("score.")) hasScore = true;
    values[name] = t.data;
  }
  const head: HeadKind = opts.head ?? (hasScore || meta.head === "scalar" ? "scalar" : "lm");
  const rng = opts.rng ?? new Rng(1234);
  // Grow the vocabulary when the tokenizer gained special tokens.
  const vocabSize = Math.max(base.vocabSize, tokenizer.vocabSize);
  const config: GPTConfig = { ...base, vocabSize, embedding: opts.embedding ?? base.embedding };
  const wte = values["wte.weight"];
  if (!wte) throw new Error(`${file}: missing wte.weight (is this a GPT-2 checkpoint?)`);
  if (vocabSize > base.vocabSize) {
    const grown = new Float32Array(vocabSize * config.nEmbd);
    grown.set(wte);
    grown.set(rng.normalArray((vocabSize - base.vocabSize) * config.nEmbd, 0.02), wte.length);
    values["wte.weight"] = grown;
    if (added > 0) console.error(`[engine] ${dir}: added ${added} special token(s) to the tokenizer and ${vocabSize - base.vocabSize} embedding row(s)`);
  }
  if (head === "scalar" && values["score.weight"] && !values["score.bias"]) values["score.bias"] = new Float32Array(1);
  const needed = new Set(paramSpecs(config, head).filter((s) => !s.name.startsWith("score.")).map((s) => s.name));
  const missing = [...needed].filter((n) => !values[n]);
  if (missing.length) throw new Error(`${file}: missing ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ` and ${missing.length - 5} more` : ""}`);
  const model = GPT.fromValues(config, head, values, rng, opts.trainable ?? true);
  return { model, tokenizer, meta, config };
}
