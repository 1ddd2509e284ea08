// Training-engine benchmark: tokens per second of every stage at the `tiny` and `small` presets on the
// chosen backend, plus generation tokens per second. Prints one JSON object per line on stdout.
//
//   npx tsx bench/train.ts [--presets tiny,small] [--steps N] [--compare-torch ...]
//
// tokens/s is what each stage logs as charts/tokens_per_s (tokens in the step's forward passes divided
// by the step's wall time), the median over the steps after the first (warm-up).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { initBackend } from "../workers/backend.ts";
import { PRESETS, type PresetName } from "../workers/model/config.ts";
import { GPT } from "../workers/model/gpt.ts";
import { Rng } from "../workers/model/rng.ts";
import { generate } from "../workers/model/generate.ts";
import { trainTokenizer } from "../workers/tokenizer/index.ts";
import { saveModel } from "../workers/checkpoint/index.ts";
import { readJsonl } from "../workers/data/index.ts";
import { STAGES, type StageName } from "../workers/engine.ts";
import { nativeAddon } from "../workers/kernels/index.ts";

const argv = process.argv.slice(2);

if (argv.includes("--compare-torch")) {
  let mod: { runCompareTorch?: (argv: string[]) => Promise<number | void> } | null = null;
  try {
    mod = await import(/* @vite-ignore */ "./compare-torch.ts");
  } catch (e) {
    console.error(`bench/train.ts --compare-torch: bench/compare-torch.ts is not available (${(e as Error).message.split("\n")[0]})`);
    process.exit(1);
  }
  if (typeof mod?.runCompareTorch !== "function") {
    console.error("bench/train.ts --compare-torch: bench/compare-torch.ts does not export runCompareTorch(argv)");
    process.exit(1);
  }
  const code = await mod.runCompareTorch(argv);
  process.exit(typeof code === "number" ? code : 0);
}

const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : dflt;
};
const presets = opt("presets", "tiny,small").split(",") as PresetName[];
const stepsArg = Number(opt("steps", "0"));
const quiet = () => {};
const emit = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

const info = await initBackend({ log: (l) => console.error(l) });
const corpus = readJsonl("tests/fixtures/engine/corpus.jsonl", "pretrain").map((r) => r.text);
const root = fs.mkdtempSync(path.join(os.tmpdir(), "rlhf-bench-"));

for (const preset of presets) {
  const p = PRESETS[preset];
  if (!p) throw new Error(`unknown preset ${preset}`);
  const steps = stepsArg > 0 ? stepsArg : preset === "tiny" ? 12 : 5;
  const T = p.model.blockSize;
  const tok = await trainTokenizer(corpus, { vocabSize: p.tokenizerVocabSize, log: quiet });
  // Long texts so every sequence fills the context.
  const long = Array.from({ length: 64 }, (_, i) => corpus.slice(i % 60, (i % 60) + 12).join(" "));
  const half = (s: string) => s.slice(0, Math.floor(s.length / 2));
  const sftData = long.map((t) => ({ prompt: half(t).slice(0, T), completion: t.slice(half(t).length).slice(0, 2 * T) }));
  const prefData = long.map((t, i) => ({ prompt: half(t).slice(0, T), chosen: t.slice(0, 2 * T), rejected: long[(i + 1) % long.length].slice(0, 2 * T) }));
  const prompts = long.map((t) => ({ prompt: half(t).slice(0, T / 2) }));

  for (const embedding of preset === "tiny" ? (["onehot", "gather"] as const) : (["onehot"] as const)) {
    const base = path.join(root, `${preset}-${embedding}-base`);
    const model = GPT.create({ ...p.model, embedding, vocabSize: tok.vocabSize }, "lm", new Rng(0));
    const params = model.numParams();
    await saveModel(base, model, tok, { stage: "bench-base" });
    model.dispose();
    const common = { maxSteps: steps, batchSize: 8, evalInterval: 0, checkpointInterval: 0, valFraction: 0, maxLength: T };
    const runs: [StageName, Record<string, unknown>, unknown[], string?][] = [
      ["pretrain", common, long.map((t) => ({ text: t }))],
      ["sft", common, sftData],
      ["rm", common, prefData],
      ["dpo", common, prefData],
      ["ppo", { ...common, batchSize: 8, maxNewTokens: Math.min(32, T / 2), maxPromptLength: T / 2, ppoEpochs: 2 }, prompts, "rm"],
    ];
    for (const [stage, config, data, reward] of runs) {
      const tps: number[] = [];
      const out = path.join(root, `${preset}-${embedding}-${stage}`);
      const t0 = performance.now();
      const r = await STAGES[stage]({
        config: config as never,
        data,
        from: base,
        reward: reward ? path.join(root, `${preset}-${embedding}-${reward}`) : undefined,
        outDir: out,
        log: quiet,
        sink: { log: (_s: number, m: Record<string, number>) => void (m["charts/tokens_per_s"] !== undefined && tps.push(m["charts/tokens_per_s"])) },
      });
      emit({
        bench: "train",
        backend: info.name,
        nativeKernels: info.nativeKernels.length,
        gemm: gemmInUse(),
        preset,
        embedding,
        stage,
        params,
        steps: r.step,
        batchSize: (config as { batchSize: number }).batchSize,
        contextLength: T,
        tokens_per_s: Math.round(median(tps.slice(1))),
        seconds: Number(((performance.now() - t0) / 1000).toFixed(2)),
      });
    }
    // Generation (KV cache), batch 1 and batch 8, greedy budget of T/2 new tokens (no EOS stop).
    const m = GPT.create({ ...p.model, embedding, vocabSize: tok.vocabSize }, "lm", new Rng(1));
    for (const batch of [1, 8]) {
      const prompt = Array.from({ length: batch }, () => Array.from({ length: T / 4 }, (_, i) => (i * 7) % 200));
      await generate(m, prompt, { maxNewTokens: 4, padId: tok.padId, temperature: 1 }); // warm up
      const t0 = performance.now();
      const g = await generate(m, prompt, { maxNewTokens: T / 2, padId: tok.padId, temperature: 1, seed: 1 });
      const n = g.tokens.reduce((a, t) => a + t.length, 0);
      emit({ bench: "generate", backend: info.name, gemm: gemmInUse(), preset, embedding, batch, newTokens: n, tokens_per_s: Math.round(n / ((performance.now() - t0) / 1000)) });
    }
    m.dispose();
  }
}
fs.rmSync(root, { recursive: true, force: true });

/** Which GEMM every matrix product ran on: "own:<kernel>" (native/src/gemm.cc), "openblas", or "none" (pure JavaScript). */
function gemmInUse(): string {
  const info = nativeAddon()?.info();
  if (!info) return "none";
  return info.gemm === "own" ? `own:${info.gemmKernel}` : "openblas";
}
