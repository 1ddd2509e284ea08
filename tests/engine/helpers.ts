// Helpers shared by the engine tests: temporary directories, tiny models, in-memory metric sinks.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { initBackend } from "../../workers/backend.ts";
import { GPT } from "../../workers/model/gpt.ts";
import { Rng } from "../../workers/model/rng.ts";
import type { GPTConfig } from "../../workers/model/config.ts";
import { byteTokenizer, type Tokenizer } from "../../workers/tokenizer/index.ts";
import { saveModel } from "../../workers/checkpoint/index.ts";

export function tempDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `rlhf-engine-${name}-`));
}

export const quiet = () => {};

export async function backend(): Promise<void> {
  await initBackend({ log: quiet });
}

export function tinyConfig(vocabSize: number, over: Partial<GPTConfig> = {}): GPTConfig {
  return { vocabSize, blockSize: 48, nLayer: 2, nHead: 2, nEmbd: 32, layerNormEps: 1e-5, embedding: "onehot", ...over };
}

/** A randomly initialised tiny LM with the byte-level tokenizer, saved as a model directory. */
export async function saveTinyBase(dir: string, seed = 0, over: Partial<GPTConfig> = {}): Promise<{ dir: string; tokenizer: Tokenizer }> {
  await backend();
  const tokenizer = byteTokenizer();
  const model = GPT.create(tinyConfig(tokenizer.vocabSize, over), "lm", new Rng(seed));
  await saveModel(dir, model, tokenizer, { stage: "test-base" });
  model.dispose();
  return { dir, tokenizer };
}

export class MemorySink {
  rows: { step: number; metrics: Record<string, number> }[] = [];
  log(step: number, metrics: Record<string, number>): void {
    this.rows.push({ step, metrics: { ...metrics } });
  }
  series(key: string): number[] {
    return this.rows.filter((r) => key in r.metrics).map((r) => r.metrics[key]);
  }
}

export const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
