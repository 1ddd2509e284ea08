// Regression: the reward model's normalisation to demonstrations (InstructGPT: shift the head's bias so
// the best-ranked completion of each training prompt scores 0 on average). It used to build preference
// batches of demonstrations without pairs, which fails when the last batch holds a single sequence
// (training groups % batchSize === 1: oneHot depth 1, "depth must be >=2").
import { describe, it, expect, beforeAll } from "vitest";
import path from "node:path";
import { rm } from "../../workers/train/rm.ts";
import { loadModel } from "../../workers/checkpoint/index.ts";
import { encodeCompletion, encodePrompt } from "../../workers/tokenizer/chat.ts";
import { tf } from "../../workers/model/tf.ts";
import { Rng } from "../../workers/model/rng.ts";
import { backend, quiet, saveTinyBase, tempDir } from "./helpers.ts";

beforeAll(backend);

/** `groups` prompts, each with a 3-way ranking (best first) as TRL-style preference rows. */
function rankings(groups: number, seed: number) {
  const r = new Rng(seed);
  const rows: { prompt: string; chosen: string; rejected: string; group: string }[] = [];
  const best: { prompt: string; completion: string }[] = [];
  for (let g = 0; g < groups; g++) {
    const prompt = `Write word ${g}.`;
    const ranked = Array.from({ length: 3 }, (_, k) => `${"a".repeat(3 - k)}${"bcd"[r.int(3)]}${g}`);
    best.push({ prompt, completion: ranked[0] });
    for (let i = 0; i < 3; i++) for (let j = i + 1; j < 3; j++) rows.push({ prompt, chosen: ranked[i], rejected: ranked[j], group: `g${g}` });
  }
  return { rows, best };
}

async function meanReward(dir: string, items: { prompt: string; completion: string }[]): Promise<number> {
  const { model, tokenizer } = await loadModel(dir, { head: "scalar", trainable: false });
  try {
    let sum = 0;
    for (const it of items) {
      const seq = [...(await encodePrompt(tokenizer, [{ role: "user", content: it.prompt }])), ...(await encodeCompletion(tokenizer, it.completion))];
      const r = tf.tidy(() => model.rewardAt(tf.tensor2d([seq], [1, seq.length], "int32"), [seq.length - 1]));
      sum += r.dataSync()[0];
      r.dispose();
    }
    return sum / items.length;
  } finally {
    model.dispose();
  }
}

describe("reward model: normalisation to demonstrations", () => {
  const root = tempDir("rm-normalize");
  let base = "";
  beforeAll(async () => {
    base = (await saveTinyBase(path.join(root, "base"), 3)).dir;
  });

  // 9 groups with batch size 8: the last batch of demonstrations holds one sequence; 1 group: the only
  // batch does; 16 groups: full batches only.
  for (const groups of [9, 1, 16]) {
    it(`demonstrations score 0 on average after training (${groups} training groups, batch size 8)`, async () => {
      const { rows, best } = rankings(groups, groups);
      const out = path.join(root, `rm-${groups}`);
      const r = await rm({ data: rows, from: base, outDir: out, log: quiet, resume: false, config: { maxSteps: 2, batchSize: 8, lr: 1e-3, valFraction: 0, evalInterval: 0, normalizeToDemonstrations: true } });
      expect(r.status).toBe("completed");
      expect(r.metrics["reward/bias_shift"]).toBeDefined();
      expect(Number.isFinite(r.metrics["reward/bias_shift"])).toBe(true);
      expect(Math.abs(await meanReward(out, best))).toBeLessThan(1e-3);
    });
  }
});
