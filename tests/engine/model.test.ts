import { describe, it, expect, beforeAll } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { tf } from "../../workers/model/tf.ts";
import { GPT } from "../../workers/model/gpt.ts";
import { Rng } from "../../workers/model/rng.ts";
import { generate } from "../../workers/model/generate.ts";
import { loadModel, saveModel } from "../../workers/checkpoint/index.ts";
import { readSafetensors, writeSafetensors } from "../../workers/checkpoint/safetensors.ts";
import { buildTokenizerJson } from "../../workers/tokenizer/bpe.ts";
import { byteTokenizer } from "../../workers/tokenizer/index.ts";
import { maskedCrossEntropy } from "../../workers/train/losses.ts";
import { makeOptimizer, optimizerStep, COMMON_DEFAULTS } from "../../workers/train/common.ts";
import { backend, tempDir, tinyConfig } from "./helpers.ts";

beforeAll(backend);

/** An independent, naive GPT-2 forward pass in plain JS (one sequence) to check the tfjs model against. */
function referenceLogits(v: Record<string, Float32Array>, c: { nLayer: number; nHead: number; nEmbd: number; vocabSize: number }, ids: number[]): number[][] {
  const C = c.nEmbd;
  const T = ids.length;
  const H = c.nHead;
  const D = C / H;
  const ln = (x: number[], g: Float32Array, b: Float32Array) => {
    const mu = x.reduce((a, y) => a + y, 0) / x.length;
    const va = x.reduce((a, y) => a + (y - mu) ** 2, 0) / x.length;
    return x.map((y, i) => ((y - mu) / Math.sqrt(va + 1e-5)) * g[i] + b[i]);
  };
  const mm = (x: number[], w: Float32Array, b: Float32Array, out: number) => Array.from({ length: out }, (_, j) => x.reduce((a, xi, i) => a + xi * w[i * out + j], b[j]));
  const gelu = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
  let x = ids.map((id, t) => Array.from({ length: C }, (_, i) => v["wte.weight"][id * C + i] + v["wpe.weight"][t * C + i]));
  for (let l = 0; l < c.nLayer; l++) {
    const p = (n: string) => v[`h.${l}.${n}`];
    const qkv = x.map((r) => mm(ln(r, p("ln_1.weight"), p("ln_1.bias")), p("attn.c_attn.weight"), p("attn.c_attn.bias"), 3 * C));
    const y = x.map(() => new Array(C).fill(0));
    for (let h = 0; h < H; h++) {
      for (let t = 0; t < T; t++) {
        const scores = Array.from({ length: t + 1 }, (_, s) => {
          let d = 0;
          for (let i = 0; i < D; i++) d += qkv[t][h * D + i] * qkv[s][C + h * D + i];
          return d / Math.sqrt(D);
        });
        const m = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - m));
        const z = e.reduce((a, b) => a + b, 0);
        for (let s = 0; s <= t; s++) for (let i = 0; i < D; i++) y[t][h * D + i] += (e[s] / z) * qkv[s][2 * C + h * D + i];
      }
    }
    x = x.map((r, t) => mm(y[t], p("attn.c_proj.weight"), p("attn.c_proj.bias"), C).map((u, i) => u + r[i]));
    x = x.map((r) => {
      const hmid = mm(ln(r, p("ln_2.weight"), p("ln_2.bias")), p("mlp.c_fc.weight"), p("mlp.c_fc.bias"), 4 * C).map(gelu);
      return mm(hmid, p("mlp.c_proj.weight"), p("mlp.c_proj.bias"), C).map((u, i) => u + r[i]);
    });
  }
  return x.map((r) => {
    const f = ln(r, v["ln_f.weight"], v["ln_f.bias"]);
    return Array.from({ length: c.vocabSize }, (_, k) => f.reduce((a, fi, i) => a + fi * v["wte.weight"][k * C + i], 0));
  });
}

describe("GPT model", () => {
  it("has the documented shapes for every head", async () => {
    const cfg = tinyConfig(50);
    const lm = GPT.create(cfg, "lm", new Rng(1));
    const sc = GPT.create(cfg, "scalar", new Rng(1));
    const ids = tf.tensor2d([[1, 2, 3, 4], [5, 6, 7, 8]], [2, 4], "int32");
    const [h, logits, s, r] = tf.tidy(() => [lm.hidden(ids), lm.logits(ids), sc.scalars(ids), sc.rewardAt(ids, [3, 1])]);
    expect(h.shape).toEqual([2, 4, 32]);
    expect(logits.shape).toEqual([2, 4, 50]);
    expect(s.shape).toEqual([2, 4]);
    expect(r.shape).toEqual([2]);
    // the reward is the scalar at each row's last index
    const sv = (await s.array()) as number[][];
    const rv = (await r.array()) as number[];
    expect(rv[0]).toBeCloseTo(sv[0][3], 5);
    expect(rv[1]).toBeCloseTo(sv[1][1], 5);
    expect(lm.specs.find((p) => p.name === "h.0.attn.c_attn.weight")!.shape).toEqual([32, 96]);
    tf.dispose([ids, h, logits, s, r]);
    lm.dispose();
    sc.dispose();
  });

  it("initialises N(0, 0.02) with residual projections scaled by 1/sqrt(2 n_layer)", async () => {
    const cfg = tinyConfig(300, { nEmbd: 64, nLayer: 4 });
    const m = GPT.create(cfg, "lm", new Rng(3));
    const std = async (n: string) => {
      const d = (await m.params[n].data()) as Float32Array;
      const mu = d.reduce((a, b) => a + b, 0) / d.length;
      return Math.sqrt(d.reduce((a, b) => a + (b - mu) ** 2, 0) / d.length);
    };
    expect(await std("wte.weight")).toBeCloseTo(0.02, 3);
    expect(await std("h.0.mlp.c_proj.weight")).toBeCloseTo(0.02 / Math.sqrt(8), 3);
    expect(Array.from(await m.params["h.1.ln_1.weight"].data()).every((x) => x === 1)).toBe(true);
    m.dispose();
  });

  it("matches an independent plain-JS GPT-2 forward pass", async () => {
    const cfg = tinyConfig(40, { nEmbd: 16, nHead: 2, nLayer: 2, blockSize: 16 });
    const m = GPT.create(cfg, "lm", new Rng(5));
    // make biases and norms non-trivial so their layout is checked too
    const values = await m.values();
    const rng = new Rng(9);
    for (const s of m.specs) if (s.init === "zeros" || s.init === "ones") values[s.name] = values[s.name].map((x) => x + rng.normal() * 0.1);
    m.dispose();
    const model = GPT.fromValues(cfg, "lm", values, new Rng(0));
    const ids = [3, 17, 9, 0, 39, 22];
    const got = tf.tidy(() => model.logits(tf.tensor2d([ids], [1, ids.length], "int32")));
    const g = ((await got.array()) as number[][][])[0];
    const ref = referenceLogits(values, cfg, ids);
    for (let t = 0; t < ids.length; t++) for (let k = 0; k < cfg.vocabSize; k++) expect(g[t][k]).toBeCloseTo(ref[t][k], 4);
    got.dispose();
    model.dispose();
  });

  it("is causal: later tokens do not change earlier logits", async () => {
    const m = GPT.create(tinyConfig(30), "lm", new Rng(2));
    const [a, b] = tf.tidy(() => [m.logits(tf.tensor2d([[1, 2, 3, 4, 5]], [1, 5], "int32")), m.logits(tf.tensor2d([[1, 2, 3, 9, 9]], [1, 5], "int32"))]);
    const av = (await a.array()) as number[][][];
    const bv = (await b.array()) as number[][][];
    for (let t = 0; t < 3; t++) for (let k = 0; k < 30; k++) expect(bv[0][t][k]).toBeCloseTo(av[0][t][k], 5);
    expect(Math.abs(bv[0][4][0] - av[0][4][0])).toBeGreaterThan(1e-6);
    tf.dispose([a, b]);
    m.dispose();
  });

  it("ignores left padding when given the attention mask and positions", async () => {
    const m = GPT.create(tinyConfig(30), "lm", new Rng(4));
    const [plain, padded] = tf.tidy(() => [
      m.logits(tf.tensor2d([[7, 8, 9]], [1, 3], "int32")),
      m.logits(tf.tensor2d([[0, 0, 7, 8, 9]], [1, 5], "int32"), {
        attentionMask: tf.tensor2d([[0, 0, 1, 1, 1]], [1, 5], "int32"),
        positions: tf.tensor2d([[0, 0, 0, 1, 2]], [1, 5], "int32"),
      }),
    ]);
    const p = (await plain.array()) as number[][][];
    const q = (await padded.array()) as number[][][];
    for (let t = 0; t < 3; t++) for (let k = 0; k < 30; k++) expect(q[0][t + 2][k]).toBeCloseTo(p[0][t][k], 4);
    tf.dispose([plain, padded]);
    m.dispose();
  });

  it("gives the same loss and embedding gradient with one-hot and gather lookups", async () => {
    const cfg = tinyConfig(40);
    const a = GPT.create(cfg, "lm", new Rng(8));
    const b = GPT.fromValues({ ...cfg, embedding: "gather" }, "lm", await a.values(), new Rng(0));
    const x = tf.tensor2d([[1, 2, 3, 4]], [1, 4], "int32");
    const y = tf.tensor2d([[2, 3, 4, 5]], [1, 4], "int32");
    const mask = tf.ones([1, 4]) as tf.Tensor2D;
    const ga = tf.variableGrads(() => maskedCrossEntropy(a.logits(x), y, mask), [a.params["wte.weight"]]);
    const gb = tf.variableGrads(() => maskedCrossEntropy(b.logits(x), y, mask), [b.params["wte.weight"]]);
    expect(ga.value.dataSync()[0]).toBeCloseTo(gb.value.dataSync()[0], 5);
    const da = ga.grads[a.params["wte.weight"].name].dataSync();
    const db = gb.grads[b.params["wte.weight"].name].dataSync();
    let maxDiff = 0;
    for (let i = 0; i < da.length; i++) maxDiff = Math.max(maxDiff, Math.abs(da[i] - db[i]));
    expect(maxDiff).toBeLessThan(1e-5);
    expect(Math.max(...Array.from(da).map(Math.abs))).toBeGreaterThan(1e-4);
    tf.dispose([x, y, mask, ga.value, gb.value, ...Object.values(ga.grads), ...Object.values(gb.grads)]);
    a.dispose();
    b.dispose();
  });

  it("generates the same tokens with the KV cache as by full recomputation", async () => {
    const m = GPT.create(tinyConfig(60), "lm", new Rng(6));
    const prompts = [[5, 6, 7, 8], [9, 10]];
    for (const temperature of [0, 1]) {
      const a = await generate(m, prompts, { maxNewTokens: 12, temperature, topK: 20, topP: 0.95, padId: 0, seed: 11, keepLogits: true });
      const b = await generate(m, prompts, { maxNewTokens: 12, temperature, topK: 20, topP: 0.95, padId: 0, seed: 11, keepLogits: true, useCache: false });
      expect(a.tokens).toEqual(b.tokens);
      expect(a.tokens[0].length).toBe(12);
      a.logits!.forEach((rows, s) => rows.forEach((row, r) => row.forEach((v, k) => expect(v).toBeCloseTo(b.logits![s][r][k], 4))));
    }
    // a left-padded batch row generates what the same prompt generates alone (greedy)
    const alone = await generate(m, [[9, 10]], { maxNewTokens: 8, temperature: 0, padId: 0 });
    const batched = await generate(m, prompts, { maxNewTokens: 8, temperature: 0, padId: 0 });
    expect(batched.tokens[1]).toEqual(alone.tokens[0]);
    m.dispose();
  });

  it("samples deterministically for a seed, stops at EOS, and respects top-k", async () => {
    const m = GPT.create(tinyConfig(60), "lm", new Rng(7));
    const a = await generate(m, [[1, 2, 3]], { maxNewTokens: 20, temperature: 1.5, padId: 0, seed: 3 });
    const b = await generate(m, [[1, 2, 3]], { maxNewTokens: 20, temperature: 1.5, padId: 0, seed: 3 });
    const c = await generate(m, [[1, 2, 3]], { maxNewTokens: 20, temperature: 1.5, padId: 0, seed: 4 });
    expect(a.tokens).toEqual(b.tokens);
    expect(a.tokens).not.toEqual(c.tokens);
    const eos = a.tokens[0][2];
    const d = await generate(m, [[1, 2, 3]], { maxNewTokens: 20, temperature: 1.5, padId: 0, seed: 3, eosId: eos });
    expect(d.tokens[0][d.tokens[0].length - 1]).toBe(eos);
    expect(d.finished[0]).toBe(true);
    expect(d.tokens[0].length).toBeLessThanOrEqual(3);
    const greedy = await generate(m, [[1, 2, 3]], { maxNewTokens: 6, temperature: 0, padId: 0 });
    const top1 = await generate(m, [[1, 2, 3]], { maxNewTokens: 6, temperature: 1, topK: 1, padId: 0, seed: 99 });
    expect(top1.tokens).toEqual(greedy.tokens);
    m.dispose();
  });

  it("does not leak tensors across training steps or generation", async () => {
    const m = GPT.create(tinyConfig(40), "lm", new Rng(1));
    const opt = makeOptimizer(m, COMMON_DEFAULTS);
    const step = () => {
      const x = tf.tensor2d([[1, 2, 3, 4]], [1, 4], "int32");
      const y = tf.tensor2d([[2, 3, 4, 5]], [1, 4], "int32");
      const mask = tf.ones([1, 4]) as tf.Tensor2D;
      optimizerStep(opt, 1e-3, () => tf.tidy(() => maskedCrossEntropy(m.logits(x), y, mask)));
      tf.dispose([x, y, mask]);
    };
    step(); // warm up
    const before = tf.memory().numTensors;
    step();
    step();
    expect(tf.memory().numTensors).toBe(before);
    await generate(m, [[1, 2], [3]], { maxNewTokens: 5, padId: 0 });
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    m.dispose();
  });
});

describe("checkpoints", () => {
  it("round-trips safetensors and model directories", async () => {
    const dir = tempDir("st");
    const file = path.join(dir, "x.safetensors");
    writeSafetensors(file, { a: { shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) }, b: { shape: [1], data: new Float32Array([-7.5]) } }, { k: "v" });
    const buf = fs.readFileSync(file);
    const n = Number(buf.readBigUInt64LE(0));
    expect((8 + n) % 8).toBe(0);
    expect(JSON.parse(buf.subarray(8, 8 + n).toString()).a).toEqual({ dtype: "F32", shape: [2, 3], data_offsets: [0, 24] });
    const back = readSafetensors(file);
    expect(Array.from(back.tensors.a.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(back.metadata).toEqual({ k: "v" });

    const tok = byteTokenizer();
    const m = GPT.create(tinyConfig(tok.vocabSize), "scalar", new Rng(2));
    await saveModel(path.join(dir, "m"), m, tok, { stage: "rm" });
    const names = Object.keys(readSafetensors(path.join(dir, "m", "model.safetensors")).tensors);
    expect(names).toContain("transformer.h.1.mlp.c_fc.weight");
    expect(names).toContain("score.weight");
    const cfg = JSON.parse(fs.readFileSync(path.join(dir, "m", "config.json"), "utf8"));
    expect(cfg).toMatchObject({ n_embd: 32, n_layer: 2, n_head: 2, n_positions: 48, vocab_size: tok.vocabSize, architectures: ["GPT2ForSequenceClassification"] });
    const loaded = await loadModel(path.join(dir, "m"));
    expect(loaded.model.head).toBe("scalar");
    const a = await m.values();
    const b = await loaded.model.values();
    for (const k of Object.keys(a)) expect(Array.from(b[k])).toEqual(Array.from(a[k]));
    m.dispose();
    loaded.model.dispose();
  });

  it("loads a Hugging Face GPT-2 checkpoint (Conv1D [in, out] weights) as a base model", async () => {
    const dir = tempDir("gpt2");
    const cfg = tinyConfig(257, { nEmbd: 16, nHead: 4, nLayer: 2, blockSize: 16 });
    const src = GPT.create(cfg, "lm", new Rng(21));
    const values = await src.values();
    src.dispose();
    // HF layout as GPT2LMHeadModel.save_pretrained writes it: transformer.* names, the attention mask
    // buffers, and the tied lm_head.weight.
    const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
    for (const s of src.specs) tensors[`transformer.${s.name}`] = { shape: s.shape, data: values[s.name] };
    for (let l = 0; l < cfg.nLayer; l++) tensors[`transformer.h.${l}.attn.bias`] = { shape: [1, 1, 16, 16], data: new Float32Array(256).fill(1) };
    tensors["lm_head.weight"] = { shape: [257, 16], data: values["wte.weight"] };
    writeSafetensors(path.join(dir, "model.safetensors"), tensors, { format: "pt" });
    fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify({ model_type: "gpt2", n_embd: 16, n_layer: 2, n_head: 4, n_positions: 16, vocab_size: 257, layer_norm_epsilon: 1e-5 }));
    fs.writeFileSync(path.join(dir, "tokenizer.json"), JSON.stringify(buildTokenizerJson([], ["<|endoftext|>"])));

    const { model, tokenizer } = await loadModel(dir);
    expect(model.head).toBe("lm");
    expect(tokenizer.eosId).toBe(256);
    expect(model.config.vocabSize).toBe(tokenizer.vocabSize); // grew by the chat template's special tokens
    expect(tokenizer.vocabSize).toBe(261);
    const ids = [72, 101, 108, 108, 111, 256];
    const got = tf.tidy(() => model.logits(tf.tensor2d([ids], [1, ids.length], "int32")));
    const g = ((await got.array()) as number[][][])[0];
    const ref = referenceLogits(values, cfg, ids);
    for (let t = 0; t < ids.length; t++) for (let k = 0; k < 257; k++) expect(g[t][k]).toBeCloseTo(ref[t][k], 4);
    got.dispose();
    model.dispose();
  });
  it("a clone is independent: training the original (AdamW may update in place) leaves the clone's weights alone", async () => {
    const m = GPT.create(tinyConfig(16, { nEmbd: 32, nHead: 2 }), "lm", new Rng(3));
    const copy = await m.clone();
    const before = await copy.values();
    const x = tf.tensor2d([[1, 2, 3, 4, 5, 6, 7, 8]], [1, 8], "int32");
    const y = tf.tensor2d([[2, 3, 4, 5, 6, 7, 8, 9]], [1, 8], "int32");
    const mask = tf.ones([1, 8]) as tf.Tensor2D;
    const opt = makeOptimizer(m, COMMON_DEFAULTS);
    for (let i = 0; i < 4; i++) optimizerStep(opt, 1e-2, () => tf.tidy(() => maskedCrossEntropy(m.logits(x), y, mask)));
    const after = await copy.values();
    const trained = await m.values();
    for (const k of Object.keys(before)) expect(Array.from(after[k])).toEqual(Array.from(before[k]));
    expect(Array.from(trained["h.0.attn.c_attn.weight"])).not.toEqual(Array.from(before["h.0.attn.c_attn.weight"]));
    opt.dispose();
    tf.dispose([x, y, mask]);
    m.dispose();
    copy.dispose();
  });
});
