// A GPT of nanoGPT's shape in plain TensorFlow.js core ops and our own variables:
// pre-LN blocks, causal self-attention, GELU MLP, tied input/output embeddings, learned positions.
// Parameters carry GPT-2's names (`h.0.attn.c_attn.weight` ...) and GPT-2's Conv1D layout [in, out],
// so a Hugging Face GPT-2 checkpoint maps onto them one to one (see checkpoint/).
//
// Heads: "lm" (logits = h @ wte^T) for pretraining, SFT, PPO policy and DPO; "scalar" (score.weight
// [1, C] + score.bias, as GPT2ForSequenceClassification) for the reward model and the PPO value model.
import { tf } from "./tf.ts";
import { type GPTConfig, validateConfig } from "./config.ts";
import { disposeKV, embedding, fusedAvailable, gelu, kvLength, layerNorm, linear, oneHotF, selfAttention, type LayerKV } from "./ops.ts";
import { Rng } from "./rng.ts";

export type HeadKind = "lm" | "scalar";

export interface ParamSpec {
  name: string;
  shape: number[];
  /** normal: N(0, 0.02); proj: N(0, 0.02 / sqrt(2 nLayer)) (GPT-2 residual scaling); zeros; ones. */
  init: "normal" | "proj" | "zeros" | "ones";
  /** AdamW weight decay applies (matrices only: not biases, norms, embeddings). */
  decay: boolean;
}

/** Every parameter of the network, in a fixed order (GPT-2 names). */
export function paramSpecs(c: GPTConfig, head: HeadKind): ParamSpec[] {
  const C = c.nEmbd;
  const specs: ParamSpec[] = [
    { name: "wte.weight", shape: [c.vocabSize, C], init: "normal", decay: false },
    { name: "wpe.weight", shape: [c.blockSize, C], init: "normal", decay: false },
  ];
  for (let i = 0; i < c.nLayer; i++) {
    const p = `h.${i}.`;
    specs.push(
      { name: `${p}ln_1.weight`, shape: [C], init: "ones", decay: false },
      { name: `${p}ln_1.bias`, shape: [C], init: "zeros", decay: false },
      { name: `${p}attn.c_attn.weight`, shape: [C, 3 * C], init: "normal", decay: true },
      { name: `${p}attn.c_attn.bias`, shape: [3 * C], init: "zeros", decay: false },
      { name: `${p}attn.c_proj.weight`, shape: [C, C], init: "proj", decay: true },
      { name: `${p}attn.c_proj.bias`, shape: [C], init: "zeros", decay: false },
      { name: `${p}ln_2.weight`, shape: [C], init: "ones", decay: false },
      { name: `${p}ln_2.bias`, shape: [C], init: "zeros", decay: false },
      { name: `${p}mlp.c_fc.weight`, shape: [C, 4 * C], init: "normal", decay: true },
      { name: `${p}mlp.c_fc.bias`, shape: [4 * C], init: "zeros", decay: false },
      { name: `${p}mlp.c_proj.weight`, shape: [4 * C, C], init: "proj", decay: true },
      { name: `${p}mlp.c_proj.bias`, shape: [C], init: "zeros", decay: false },
    );
  }
  specs.push({ name: "ln_f.weight", shape: [C], init: "ones", decay: false }, { name: "ln_f.bias", shape: [C], init: "zeros", decay: false });
  if (head === "scalar") {
    specs.push({ name: "score.weight", shape: [1, C], init: "normal", decay: true }, { name: "score.bias", shape: [1], init: "zeros", decay: false });
  }
  return specs;
}

export function initialValue(spec: ParamSpec, c: GPTConfig, rng: Rng): Float32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  switch (spec.init) {
    case "normal":
      return rng.normalArray(n, 0.02);
    case "proj":
      return rng.normalArray(n, 0.02 / Math.sqrt(2 * c.nLayer));
    case "zeros":
      return new Float32Array(n);
    case "ones":
      return new Float32Array(n).fill(1);
  }
}

/** Keys and values of every layer for the positions seen so far (generation). */
export class KVCache {
  layers: LayerKV[] = [];
  /** Positions to reserve up front (prompt + new tokens); the cache grows past it if needed. */
  readonly capacity?: number;
  constructor(capacity?: number) {
    this.capacity = capacity;
  }
  /** Number of positions cached. */
  get length(): number {
    return this.layers.length ? kvLength(this.layers[0]) : 0;
  }
  dispose(): void {
    for (const l of this.layers) disposeKV(l);
    this.layers = [];
  }
}

export interface ForwardOptions {
  /** [B, S] 1 = real token, 0 = padding, over cached + new positions. Needed only with left padding. */
  attentionMask?: tf.Tensor2D;
  /** [B, T] int32 position ids of the new tokens; default cache.length .. cache.length + T - 1. */
  positions?: tf.Tensor2D;
  /** Reads and extends this cache (inference only, never under a gradient tape). */
  cache?: KVCache;
}

let nextModelId = 0;

export class GPT {
  readonly config: GPTConfig;
  readonly head: HeadKind;
  /** GPT-2 name -> variable. */
  readonly params: Record<string, tf.Variable>;
  readonly specs: ParamSpec[];

  private constructor(config: GPTConfig, head: HeadKind, params: Record<string, tf.Variable>) {
    this.config = config;
    this.head = head;
    this.params = params;
    this.specs = paramSpecs(config, head);
  }

  /** A freshly initialised network (N(0, 0.02), residual projections scaled by 1/sqrt(2 nLayer)). */
  static create(config: GPTConfig, head: HeadKind, rng: Rng, trainable = true): GPT {
    validateConfig(config);
    return GPT.fromValues(config, head, {}, rng, trainable);
  }

  /**
   * A network from stored values (GPT-2 names, Float32Array in the spec's shape); parameters that are
   * missing (e.g. the scalar head of a reward model initialised from an LM) are initialised from rng.
   */
  static fromValues(config: GPTConfig, head: HeadKind, values: Record<string, Float32Array>, rng: Rng, trainable = true): GPT {
    validateConfig(config);
    const id = nextModelId++;
    const params: Record<string, tf.Variable> = {};
    for (const spec of paramSpecs(config, head)) {
      const n = spec.shape.reduce((a, b) => a * b, 1);
      let v = values[spec.name];
      if (v && v.length !== n) throw new Error(`parameter ${spec.name}: expected ${n} values for shape [${spec.shape}], got ${v.length}`);
      if (!v) v = initialValue(spec, config, rng);
      params[spec.name] = tf.variable(tf.tensor(v, spec.shape, "float32"), trainable, `gpt${id}/${spec.name}`);
    }
    return new GPT(config, head, params);
  }

  /**
   * Values of every parameter (copies), GPT-2 names. Copies for real: the cpu backend's data() hands out
   * the variable's own array, and a clone() built on it would share memory with this model.
   */
  async values(): Promise<Record<string, Float32Array>> {
    const out: Record<string, Float32Array> = {};
    for (const s of this.specs) out[s.name] = Float32Array.from((await this.params[s.name].data()) as Float32Array);
    return out;
  }

  /** A copy with its own variables; `head` may differ (the copy keeps what both heads share). */
  async clone(head: HeadKind = this.head, rng = new Rng(0), trainable = true): Promise<GPT> {
    return GPT.fromValues(this.config, head, await this.values(), rng, trainable);
  }

  variables(): tf.Variable[] {
    return this.specs.map((s) => this.params[s.name]);
  }

  numParams(): number {
    return this.specs.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0);
  }

  dispose(): void {
    tf.dispose(Object.values(this.params));
  }

  private p2(name: string): tf.Tensor2D {
    return this.params[name] as unknown as tf.Tensor2D;
  }
  private p1(name: string): tf.Tensor1D {
    return this.params[name] as unknown as tf.Tensor1D;
  }

  /**
   * Token ids [B, T] -> embeddings [B, T, C]: the fused native lookup where the cpu backend has it;
   * else a one-hot product (config embedding "onehot", every backend can train it) or a gather with a
   * one-hot-product gradient ("gather").
   */
  private embed(idx: tf.Tensor2D): tf.Tensor3D {
    const [B, T] = idx.shape;
    const { vocabSize: V, nEmbd: C } = this.config;
    const wte = this.p2("wte.weight");
    if (this.config.embedding === "onehot" && !fusedAvailable()) {
      const flat = tf.reshape(idx, [B * T]) as tf.Tensor1D;
      return tf.reshape(tf.matMul(oneHotF(flat, V) as tf.Tensor2D, wte), [B, T, C]);
    }
    return embedding(wte, idx) as tf.Tensor3D;
  }

  /** Learned positions for [B, T] tokens. */
  private positionEmbed(B: number, T: number, offset: number, positions?: tf.Tensor2D): tf.Tensor {
    const { blockSize: P, nEmbd: C } = this.config;
    const wpe = this.p2("wpe.weight");
    if (positions) {
      if (fusedAvailable()) return embedding(wpe, positions);
      const flat = tf.reshape(positions, [B * T]) as tf.Tensor1D;
      return tf.reshape(tf.matMul(oneHotF(flat, P) as tf.Tensor2D, wpe), [B, T, C]);
    }
    return tf.slice(wpe, [offset, 0], [T, C]); // [T, C], broadcast over B
  }

  /** Hidden states after the final LayerNorm: idx [B, T] int32 -> [B, T, C]. */
  hidden(idx: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor3D {
    const { nLayer, nHead, blockSize, layerNormEps: eps } = this.config;
    const [B, T] = idx.shape;
    const past = opts.cache?.length ?? 0;
    const S = past + T;
    if (S > blockSize) throw new Error(`sequence of ${S} tokens is longer than the model's ${blockSize} positions`);

    let x = tf.add(this.embed(idx), this.positionEmbed(B, T, past, opts.positions)) as tf.Tensor3D;
    for (let i = 0; i < nLayer; i++) {
      const p = `h.${i}.`;
      // --- attention (pre-LN) ---
      const a = layerNorm(x, this.p1(`${p}ln_1.weight`), this.p1(`${p}ln_1.bias`), eps);
      const qkv = linear(a, this.p2(`${p}attn.c_attn.weight`), this.p1(`${p}attn.c_attn.bias`)) as tf.Tensor3D; // [B,T,3C]
      const cache = opts.cache;
      const { y, kv } = selfAttention(qkv, { nHead, keyMask: opts.attentionMask, past: cache ? cache.layers[i] ?? null : undefined, capacity: cache?.capacity });
      if (cache && kv) {
        const old = cache.layers[i];
        if (old && old !== kv) disposeKV(old);
        if (!("native" in kv)) {
          tf.keep(kv.k);
          tf.keep(kv.v);
        }
        cache.layers[i] = kv;
      }
      x = linear(y, this.p2(`${p}attn.c_proj.weight`), this.p1(`${p}attn.c_proj.bias`), x) as tf.Tensor3D; // x + proj(y)
      // --- MLP (pre-LN) ---
      const m = layerNorm(x, this.p1(`${p}ln_2.weight`), this.p1(`${p}ln_2.bias`), eps);
      const hMid = gelu(linear(m, this.p2(`${p}mlp.c_fc.weight`), this.p1(`${p}mlp.c_fc.bias`)));
      x = linear(hMid, this.p2(`${p}mlp.c_proj.weight`), this.p1(`${p}mlp.c_proj.bias`), x) as tf.Tensor3D; // x + proj(h)
    }
    return layerNorm(x, this.p1("ln_f.weight"), this.p1("ln_f.bias"), eps) as tf.Tensor3D;
  }

  /** LM head, tied to the input embedding: h [B, T, C] -> logits [B, T, V]. */
  lmHead(h: tf.Tensor3D): tf.Tensor3D {
    const [B, T, C] = h.shape;
    const logits = tf.matMul(tf.reshape(h, [B * T, C]) as tf.Tensor2D, this.p2("wte.weight"), false, true);
    return tf.reshape(logits, [B, T, this.config.vocabSize]);
  }

  /** Scalar head: h [B, T, C] -> [B, T] (a value or reward at every position). */
  scalarHead(h: tf.Tensor3D): tf.Tensor2D {
    if (this.head !== "scalar") throw new Error("scalarHead on a model without a scalar head");
    const [B, T, C] = h.shape;
    const s = tf.add(tf.matMul(tf.reshape(h, [B * T, C]) as tf.Tensor2D, this.p2("score.weight"), false, true), this.p1("score.bias"));
    return tf.reshape(s, [B, T]);
  }

  /** idx [B, T] -> logits [B, T, V]. */
  logits(idx: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor3D {
    return this.lmHead(this.hidden(idx, opts));
  }

  /** idx [B, T] -> scalar at every position [B, T]. */
  scalars(idx: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor2D {
    return this.scalarHead(this.hidden(idx, opts));
  }

  /**
   * Reward read at the last real token: idx [B, T], lastIndex[b] = index of the EOS / last non-pad
   * token -> [B]. Selection by a one-hot mask (no gather, so it trains on every backend).
   */
  rewardAt(idx: tf.Tensor2D, lastIndex: number[], opts: ForwardOptions = {}): tf.Tensor1D {
    const s = this.scalars(idx, opts);
    const sel = oneHotF(tf.tensor1d(lastIndex, "int32"), idx.shape[1]);
    return tf.sum(tf.mul(s, sel), 1) as tf.Tensor1D;
  }
}
