// A GPT of nanoGPT's shape in plain TensorFlow.js core ops and our own variables:
// pre-LN blocks, causal self-attention, GELU MLP, tied input/output embeddings, learned positions.
// Parameters carry GPT-2's names (`h.0.attn.c_attn.weight` ...) and GPT-2's Conv1D layout [in, out],
// so a Hugging Face GPT-2 checkpoint maps onto them one to one (see checkpoint/).
//
// Heads: "lm" (logits = h @ wte^T) for pretraining, SFT, PPO policy and DPO; "scalar" (score.weight
// [1, C] + score.bias, as GPT2ForSequenceClassification) for the reward model and the PPO value model.
import { tf } from "./tf.ts";
import { type GPTConfig, validateConfig } from "./config.ts";
import { attention, causalBias, gelu, layerNorm, linear, oneHotF } from "./ops.ts";
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
  layers: { k: tf.Tensor4D; v: tf.Tensor4D }[] = [];
  /** Number of positions cached. */
  get length(): number {
    return this.layers.length ? this.layers[0].k.shape[2] : 0;
  }
  dispose(): void {
    for (const l of this.layers) tf.dispose([l.k, l.v]);
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

  /** Values of every parameter (copies), GPT-2 names. */
  async values(): Promise<Record<string, Float32Array>> {
    const out: Record<string, Float32Array> = {};
    for (const s of this.specs) out[s.name] = (await this.params[s.name].data()) as Float32Array;
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

  /** Token ids [B, T] -> embeddings [B, T, C] (one-hot matmul, or gather with a one-hot-matmul gradient). */
  private embed(idx: tf.Tensor2D): tf.Tensor3D {
    const [B, T] = idx.shape;
    const { vocabSize: V, nEmbd: C } = this.config;
    const wte = this.p2("wte.weight");
    const flat = tf.reshape(idx, [B * T]) as tf.Tensor1D;
    if (this.config.embedding === "onehot") {
      return tf.reshape(tf.matMul(oneHotF(flat, V) as tf.Tensor2D, wte), [B, T, C]);
    }
    // The ids travel through save() (kept by the tape): the loss closure's tidy disposes `flat`
    // before the backward pass runs.
    const lookup = tf.customGrad(((w: tf.Tensor, ids: tf.Tensor, save: tf.GradSaveFunc) => {
      save([ids]);
      return {
        value: tf.gather(w, ids as tf.Tensor1D),
        gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => [
          tf.matMul(oneHotF(saved[0], V) as tf.Tensor2D, dy as tf.Tensor2D, true, false),
          tf.zerosLike(saved[0]),
        ],
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (w: tf.Tensor, ids: tf.Tensor) => tf.Tensor;
    return tf.reshape(lookup(wte, flat), [B, T, C]);
  }

  /** Learned positions for [B, T] tokens. */
  private positionEmbed(B: number, T: number, offset: number, positions?: tf.Tensor2D): tf.Tensor {
    const { blockSize: P, nEmbd: C } = this.config;
    const wpe = this.p2("wpe.weight");
    if (positions) {
      const flat = tf.reshape(positions, [B * T]) as tf.Tensor1D;
      return tf.reshape(tf.matMul(oneHotF(flat, P) as tf.Tensor2D, wpe), [B, T, C]);
    }
    return tf.slice(wpe, [offset, 0], [T, C]); // [T, C], broadcast over B
  }

  /** Hidden states after the final LayerNorm: idx [B, T] int32 -> [B, T, C]. */
  hidden(idx: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor3D {
    const { nLayer, nHead, nEmbd: C, blockSize, layerNormEps: eps } = this.config;
    const [B, T] = idx.shape;
    const past = opts.cache?.length ?? 0;
    const S = past + T;
    if (S > blockSize) throw new Error(`sequence of ${S} tokens is longer than the model's ${blockSize} positions`);
    const D = C / nHead;

    let x = tf.add(this.embed(idx), this.positionEmbed(B, T, past, opts.positions)) as tf.Tensor3D;
    // Additive mask [B|1, 1, T, S]: causal, plus padding keys when an attention mask is given.
    let bias: tf.Tensor = causalBias(T, S);
    if (opts.attentionMask) {
      const keyBias = tf.reshape(tf.mul(tf.sub(1, tf.cast(opts.attentionMask, "float32")), -1e9), [B, 1, 1, S]);
      bias = tf.add(bias, keyBias);
    }

    for (let i = 0; i < nLayer; i++) {
      const p = `h.${i}.`;
      // --- attention (pre-LN) ---
      const a = layerNorm(x, this.p1(`${p}ln_1.weight`), this.p1(`${p}ln_1.bias`), eps);
      const qkv = linear(a, this.p2(`${p}attn.c_attn.weight`), this.p1(`${p}attn.c_attn.bias`)); // [B,T,3C]
      const [q, kNew, vNew] = tf.split(qkv, 3, 2).map((t) => tf.transpose(tf.reshape(t, [B, T, nHead, D]), [0, 2, 1, 3]) as tf.Tensor4D);
      let k = kNew;
      let v = vNew;
      if (opts.cache) {
        const old = opts.cache.layers[i];
        if (old) {
          k = tf.concat([old.k, kNew], 2);
          v = tf.concat([old.v, vNew], 2);
          tf.dispose([old.k, old.v]);
        }
        opts.cache.layers[i] = { k: tf.keep(k), v: tf.keep(v) };
      }
      const y = attention(q, k, v, bias); // [B,H,T,D]
      const yM = tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [B, T, C]);
      x = tf.add(x, linear(yM, this.p2(`${p}attn.c_proj.weight`), this.p1(`${p}attn.c_proj.bias`))) as tf.Tensor3D;
      // --- MLP (pre-LN) ---
      const m = layerNorm(x, this.p1(`${p}ln_2.weight`), this.p1(`${p}ln_2.bias`), eps);
      const hMid = gelu(linear(m, this.p2(`${p}mlp.c_fc.weight`), this.p1(`${p}mlp.c_fc.bias`)));
      x = tf.add(x, linear(hMid, this.p2(`${p}mlp.c_proj.weight`), this.p1(`${p}mlp.c_proj.bias`))) as tf.Tensor3D;
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
