// Learning on synthetic tasks with known answers, tiny models, few steps (each stage end to end).
import { describe, it, expect, beforeAll } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { pretrain } from "../../workers/train/pretrain.ts";
import { sft } from "../../workers/train/sft.ts";
import { rm } from "../../workers/train/rm.ts";
import { ppo } from "../../workers/train/ppo.ts";
import { dpo } from "../../workers/train/dpo.ts";
import { readJsonl } from "../../workers/data/index.ts";
import { readSafetensors } from "../../workers/checkpoint/safetensors.ts";
import { loadModel } from "../../workers/checkpoint/index.ts";
import { generate } from "../../workers/model/generate.ts";
import { encodePrompt } from "../../workers/tokenizer/chat.ts";
import { Rng } from "../../workers/model/rng.ts";
import { MemorySink, avg, backend, quiet, saveTinyBase, tempDir } from "./helpers.ts";

beforeAll(backend);

const rng = new Rng(42);
const NAMES = ["Anna", "Ben", "Cleo", "Dan", "Eva", "Finn", "Gus", "Hana", "Ivo", "Jade", "Kai", "Lena", "Mia", "Noor", "Otto", "Pia"];
/** Random string over "abcd" with exactly `a` letters 'a' among n. */
function word(n: number, a: number, r: Rng): string {
  const cs = Array.from({ length: n }, (_, i) => (i < a ? "a" : "bcd"[r.int(3)]));
  return r.shuffle(cs).join("");
}
const countA = (s: string) => [...s].filter((c) => c === "a").length;

// Shared chain: a base, an SFT model that writes words over "abcd", an RM that prefers more 'a's.
const root = tempDir("learn");
const dirs = { base: path.join(root, "base"), sft: path.join(root, "sft"), rm: path.join(root, "rm") };
const sftData = Array.from({ length: 160 }, () => ({ prompt: "Write a word.", completion: word(6, rng.int(4), rng) }));
const prefData = Array.from({ length: 160 }, () => {
  const lo = rng.int(3);
  return { prompt: "Write a word.", chosen: word(6, lo + 2 + rng.int(2), rng), rejected: word(6, lo, rng) };
});

describe("every stage learns its synthetic task", () => {
  it("pretraining brings the loss far below its start", async () => {
    const sink = new MemorySink();
    const r = await pretrain({
      data: readJsonl("tests/fixtures/engine/corpus.jsonl", "pretrain"),
      outDir: path.join(root, "pt"),
      sink,
      log: quiet,
      config: { preset: "tiny", maxSteps: 150, batchSize: 8, maxLength: 32, lr: 3e-3, evalInterval: 0 },
    });
    const loss = sink.series("loss");
    expect(r.status).toBe("completed");
    expect(avg(loss.slice(-10))).toBeLessThan(0.5 * loss[0]);
    expect(r.metrics["eval/loss"]).toBeLessThan(0.6 * loss[0]);
    expect(fs.existsSync(path.join(root, "pt", "model.safetensors"))).toBe(true);
  });

  it("SFT learns the responses (loss on completions only)", async () => {
    await saveTinyBase(dirs.base, 0);
    const sink = new MemorySink();
    const r = await sft({ data: sftData, from: dirs.base, outDir: dirs.sft, sink, log: quiet, config: { maxSteps: 150, batchSize: 16, lr: 3e-3, evalInterval: 0 } });
    const loss = sink.series("loss");
    expect(avg(loss.slice(-10))).toBeLessThan(0.35 * loss[0]);
    // the letters are random, so about 0.4 is the ceiling; chance over 261 tokens is 0.004
    expect(r.metrics["mean_token_accuracy"]).toBeGreaterThan(0.3);
    expect(sink.series("num_tokens").at(-1)).toBeGreaterThan(1000);
    // the model now answers in the trained format: letters from "abcd", then EOS
    const { model, tokenizer } = await loadModel(dirs.sft);
    const out = await generate(model, [await encodePrompt(tokenizer, [{ role: "user", content: "Write a word." }])], {
      maxNewTokens: 12,
      temperature: 0,
      eosId: tokenizer.eosId,
      padId: tokenizer.padId,
    });
    const text = await tokenizer.decode(out.tokens[0]);
    expect(text).toMatch(/^[abcd]{4,8}$/);
    model.dispose();
  });

  it("the reward model reaches high held-out accuracy on an easy preference rule", async () => {
    const sink = new MemorySink();
    const r = await rm({ data: prefData, from: dirs.sft, outDir: dirs.rm, sink, log: quiet, config: { epochs: 4, batchSize: 8, lr: 2e-3, valFraction: 0.2, evalInterval: 0 } });
    expect(r.metrics["eval/accuracy"]).toBeGreaterThan(0.85);
    expect(sink.series("accuracy").length).toBe(r.step);
    expect(r.metrics["reward/bias_shift"]).toBeDefined();
  });

  it("PPO raises the reward model's score while the KL stays bounded", async () => {
    const sink = new MemorySink();
    const prompts = Array.from({ length: 32 }, () => ({ prompt: "Write a word." }));
    const r = await ppo({
      data: prompts,
      from: dirs.sft,
      reward: dirs.rm,
      outDir: path.join(root, "ppo"),
      sink,
      log: quiet,
      config: { maxSteps: 30, batchSize: 16, lr: 1e-3, maxNewTokens: 10, temperature: 1, klCoef: 0.05 },
    });
    const scores = sink.series("objective/scores");
    const kl = sink.series("objective/kl");
    expect(r.step).toBe(30);
    expect(avg(scores.slice(-5))).toBeGreaterThan(avg(scores.slice(0, 5)) + 0.5);
    expect(Math.max(...kl)).toBeLessThan(20);
    for (const k of ["policy/approxkl_avg", "policy/clipfrac_avg", "loss/policy_avg", "loss/value_avg", "val/ratio", "objective/entropy", "objective/rlhf_reward", "objective/non_score_reward"]) {
      expect(Number.isFinite(r.metrics[k])).toBe(true);
    }
  });

  it("DPO raises the preference margin", async () => {
    const sink = new MemorySink();
    const r = await dpo({ data: prefData, from: dirs.sft, outDir: path.join(root, "dpo"), sink, log: quiet, config: { epochs: 2, batchSize: 8, lr: 1e-3, valFraction: 0.2, evalInterval: 0 } });
    const margins = sink.series("rewards/margins");
    expect(margins[0]).toBeCloseTo(0, 5); // policy == reference at the first step
    expect(avg(margins.slice(-5))).toBeGreaterThan(0.5);
    expect(r.metrics["eval/rewards/accuracies"]).toBeGreaterThan(0.8);
  });
});

describe("checkpoints resume exactly", () => {
  it("a cancelled run resumed from its checkpoint ends with the weights of an uninterrupted run", async () => {
    const base = await saveTinyBase(path.join(root, "rbase"), 3);
    const data = sftData.slice(0, 48);
    const config = { maxSteps: 10, batchSize: 4, lr: 1e-3, checkpointInterval: 3, evalInterval: 4, valFraction: 0.1 };
    const full = await sft({ data, from: base.dir, outDir: path.join(root, "full"), log: quiet, config });
    expect(full.status).toBe("completed");

    const ac = new AbortController();
    const first = await sft({ data, from: base.dir, outDir: path.join(root, "resumed"), log: quiet, config, signal: ac.signal, onProgress: (s) => s === 5 && ac.abort() });
    expect(first.status).toBe("cancelled");
    expect(first.step).toBe(5);
    const steps: number[] = [];
    const second = await sft({ data, from: base.dir, outDir: path.join(root, "resumed"), log: quiet, config, onProgress: (s) => steps.push(s) });
    expect(second.status).toBe("completed");
    expect(steps[0]).toBe(6);
    const a = readSafetensors(path.join(root, "full", "model.safetensors")).tensors;
    const b = readSafetensors(path.join(root, "resumed", "model.safetensors")).tensors;
    let maxDiff = 0;
    for (const k of Object.keys(a)) for (let i = 0; i < a[k].data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[k].data[i] - b[k].data[i]));
    expect(maxDiff).toBe(0);
    // and the run did change the weights
    const init = readSafetensors(path.join(base.dir, "model.safetensors")).tensors;
    expect(Math.abs(init["wte.weight"].data[104 * 32] - a["wte.weight"].data[104 * 32])).toBeGreaterThan(0);
  });
});
