// `npm run bench:train -- --compare-torch`: our engine against PyTorch on the same GPT, same machine,
// same run. bench/train.ts calls runCompareTorch(argv).
//
// For each shape (presets `tiny`, `small`, and a d_model 512 variant of `small`): one training step
// as the worker takes it (workers/train/common.ts optimizerStep: forward, masked cross-entropy,
// backward, AdamW with clipping), then greedy generation with the KV cache (workers/model/generate.ts);
// bench/torch_reference.py does the same in PyTorch. Also the machine's sgemm peak (1024x1024, our
// native sgemm and PyTorch's), to say what fraction of it each training step reaches.
//
// Prints JSON lines on stdout (logs go to stderr):
//   {"bench":"sgemm", ...}  {"bench":"train", "config", ..., "ours_tokens_per_s", "torch_tokens_per_s", "ratio", ...}
//   {"bench":"generate", ...}  {"bench":"summary", ...}
// Options: --configs tiny,small,d512  --batch 8  --steps 5  --gen-batch 4 --gen-prompt 16
//          --gen-tokens 48  --no-generate  --python /usr/bin/python3  --rounds 3
// Each figure is the best of --rounds alternating runs (ours, then PyTorch, again and again): on a
// shared machine another process can take a core for seconds, and the best round is the closest
// to what each engine does on a quiet one. PyTorch alternates between all cores and one thread
// (--torch-threads all|1|alternate, default alternate): with other processes on the machine its
// OpenMP barriers can make two threads 40x slower than one. The load average is printed too.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { tf } from "../workers/model/tf.ts";
import { initBackend } from "../workers/backend.ts";
import { GPT } from "../workers/model/gpt.ts";
import { PRESETS, type GPTConfig } from "../workers/model/config.ts";
import { Rng } from "../workers/model/rng.ts";
import { generate } from "../workers/model/generate.ts";
import { AdamW } from "../workers/train/adamw.ts";
import { maskedCrossEntropy } from "../workers/train/losses.ts";
import { nativeAddon } from "../workers/kernels/index.ts";

const TORCH_INSTALL = "apt-get install -y python3-torch libopenblas0-pthread";
const here = path.dirname(fileURLToPath(import.meta.url));

interface Shape {
  name: string;
  config: GPTConfig;
}

/** The shapes compared: our presets as the worker builds them, plus `small` widened to d_model 512. */
function shapes(): Record<string, Shape> {
  const preset = (name: "tiny" | "small"): GPTConfig => ({ ...PRESETS[name].model, vocabSize: PRESETS[name].tokenizerVocabSize });
  return {
    tiny: { name: "tiny", config: preset("tiny") },
    small: { name: "small", config: preset("small") },
    d512: { name: "d512", config: { ...preset("small"), nEmbd: 512, nHead: 8 } },
  };
}

interface Options {
  configs: string[];
  batch: number;
  steps: number;
  generate: boolean;
  genBatch: number;
  genPrompt: number;
  genTokens: number;
  python: string;
  rounds: number;
  torchThreads: string;
}

function parseOptions(argv: string[]): Options {
  const value = (flag: string, fallback: string) => {
    const i = argv.indexOf(flag);
    const inline = argv.find((a) => a.startsWith(`${flag}=`));
    return inline ? inline.slice(flag.length + 1) : i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
  };
  const int = (flag: string, fallback: number) => {
    const n = Number(value(flag, String(fallback)));
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} must be a positive integer`);
    return n;
  };
  const configs = value("--configs", "tiny,small,d512").split(",").filter(Boolean);
  const known = Object.keys(shapes());
  for (const c of configs) if (!known.includes(c)) throw new Error(`--configs: unknown '${c}' (known: ${known.join(", ")})`);
  return {
    configs,
    batch: int("--batch", 8),
    steps: int("--steps", 5),
    generate: !argv.includes("--no-generate"),
    genBatch: int("--gen-batch", 4),
    genPrompt: int("--gen-prompt", 16),
    genTokens: int("--gen-tokens", 48),
    python: value("--python", "/usr/bin/python3"),
    rounds: int("--rounds", 3),
    torchThreads: value("--torch-threads", "alternate"),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number, digits = 3) => Number(x.toPrecision(digits + 1));
const print = (o: Record<string, unknown>) => console.log(JSON.stringify(o));

/** Matrix-multiply FLOPs of one training step (forward x3), counted the same way for both engines. */
function trainFlops(c: GPTConfig, batch: number): number {
  const N = batch * c.blockSize;
  const d = c.nEmbd;
  const perLayer = 24 * N * d * d + 4 * N * c.blockSize * d; // projections + QK^T and AV
  return 3 * (c.nLayer * perLayer + 2 * N * c.vocabSize * d);
}

/** Best-of GFLOP/s of the native sgemm on 1024x1024 (the machine's peak as our engine sees it). */
function nativeSgemmGflops(): number | null {
  const addon = nativeAddon();
  if (!addon) return null;
  const n = 1024;
  const a = new Float32Array(n * n).map((_, i) => Math.sin(i));
  const b = new Float32Array(n * n).map((_, i) => Math.cos(i));
  const c = new Float32Array(n * n);
  let best = Infinity;
  for (let i = 0; i < 12; i++) {
    const t0 = performance.now();
    addon.matmul(a, b, c, 1, 1, 1, n, n, n, 0, 0);
    if (i >= 2) best = Math.min(best, performance.now() - t0);
  }
  return (2 * n ** 3) / (best / 1000) / 1e9;
}

/** One training step as the worker takes it (AdamW is workers/train/adamw.ts, fused where native). */
function oursTrain(shape: Shape, o: Options): { msPerStep: number; tokensPerS: number } {
  const c = shape.config;
  const model = GPT.create(c, "lm", new Rng(0));
  const adamw = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradClip: 1.0 };
  const opt = new AdamW(model.specs.map((s) => ({ name: s.name, variable: model.params[s.name], decay: s.decay })), adamw);
  const rng = new Rng(1);
  const T = c.blockSize;
  const draw = () => tf.tensor2d(Array.from({ length: o.batch * T }, () => rng.int(c.vocabSize)), [o.batch, T], "int32");
  const ids = draw();
  const targets = draw();
  const mask = tf.ones([o.batch, T]) as tf.Tensor2D;
  // workers/train/common.ts optimizerStep, inlined so that this file needs only the model and optimizer.
  const step = () => {
    const { value, grads } = tf.variableGrads(() => maskedCrossEntropy(model.logits(ids), targets, mask), model.variables());
    opt.apply(grads, 3e-4);
    tf.dispose(grads);
    value.dataSync();
    value.dispose();
  };
  step();
  step();
  const times: number[] = [];
  for (let i = 0; i < o.steps; i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  const ms = median(times);
  tf.dispose([ids, targets, mask]);
  opt.dispose();
  model.dispose();
  return { msPerStep: ms, tokensPerS: (o.batch * T) / (ms / 1000) };
}

async function oursGenerate(shape: Shape, o: Options): Promise<{ msPerRun: number; tokensPerS: number }> {
  const c = shape.config;
  const model = GPT.create(c, "lm", new Rng(0));
  const rng = new Rng(2);
  const prompts = Array.from({ length: o.genBatch }, () => Array.from({ length: o.genPrompt }, () => 1 + rng.int(c.vocabSize - 1)));
  const run = () => generate(model, prompts, { padId: 0, maxNewTokens: o.genTokens, temperature: 0 });
  await run();
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  model.dispose();
  const ms = median(times);
  return { msPerRun: ms, tokensPerS: (o.genBatch * o.genTokens) / (ms / 1000) };
}

type TorchLine = { kind: string; tokens_per_s?: number; ms_per_step?: number; ms_per_run?: number; gflops?: number; threads?: number; torch?: string };

/** PyTorch's thread count for round r: all cores on even rounds, one on odd ones (alternate). */
function torchThreadArgs(o: Options, r: number): string[] {
  if (o.torchThreads === "1" || (o.torchThreads === "alternate" && r % 2 === 1)) return ["--threads", "1"];
  return [];
}

/** Runs bench/torch_reference.py; null plus a reason when PyTorch is missing or fails. */
function torchRun(o: Options, args: string[]): { lines: TorchLine[] } | { error: string } {
  if (!existsSync(o.python)) return { error: `${o.python} not found; install PyTorch with: ${TORCH_INSTALL}` };
  const r = spawnSync(o.python, [path.join(here, "torch_reference.py"), ...args], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    const err = (r.stderr || "").trim().split("\n").pop() ?? `exit ${r.status}`;
    const hint = /No module named 'torch'/.test(r.stderr ?? "") ? `PyTorch not installed; install with: ${TORCH_INSTALL}` : err;
    return { error: hint };
  }
  const lines = r.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as TorchLine);
  return { lines };
}

export async function runCompareTorch(argv: string[]): Promise<void> {
  const o = parseOptions(argv);
  const loadStart = os.loadavg().map((x) => round(x, 2));
  const backend = await initBackend({ backend: process.env.RLHF_BACKEND ?? "cpu" });
  const engine = {
    backend: backend.tfBackend,
    native_kernels: backend.nativeKernels.length,
    blas: nativeAddon()?.info().blas ?? null,
  };
  const oursPeak = backend.tfBackend === "cpu" ? nativeSgemmGflops() : null;
  const torchPeak = torchRun(o, ["--sgemm", "--steps", "0", "--vocab", "8", "--context", "8", "--d-model", "8", "--layers", "1", "--heads", "1", "--batch", "1"]);
  const torchPeakGflops = "lines" in torchPeak ? torchPeak.lines.find((l) => l.kind === "sgemm")?.gflops ?? null : null;
  // The peak is re-measured before each shape (ours) and the highest reading kept: on a shared
  // machine one reading can land in another process's burst.
  let peak = Math.max(oursPeak ?? 0, torchPeakGflops ?? 0) || null;
  print({
    bench: "sgemm", n: 1024, ours_gflops: oursPeak && round(oursPeak), torch_gflops: torchPeakGflops && round(torchPeakGflops),
    peak_gflops: peak && round(peak), ...("error" in torchPeak ? { torch_error: torchPeak.error } : {}), ...engine,
  });

  const all = shapes();
  const ratios: Record<string, number | null> = {};
  for (const name of o.configs) {
    const shape = all[name];
    const c = shape.config;
    if (backend.tfBackend === "cpu") peak = Math.max(peak ?? 0, nativeSgemmGflops() ?? 0) || null;
    const dims = { d_model: c.nEmbd, layers: c.nLayer, heads: c.nHead, context: c.blockSize, vocab: c.vocabSize, batch: o.batch };
    const torchArgs = ["--label", name, "--vocab", String(c.vocabSize), "--context", String(c.blockSize), "--d-model", String(c.nEmbd), "--layers", String(c.nLayer), "--heads", String(c.nHead), "--batch", String(o.batch), "--steps", String(o.steps)];
    let ours: { msPerStep: number; tokensPerS: number } | null = null;
    let tl: TorchLine | undefined;
    let t: ReturnType<typeof torchRun> = { lines: [] };
    const faster = <X extends { tokensPerS: number } | null>(a: X, b: X): X => (!a || (b && b.tokensPerS > a.tokensPerS) ? b : a);
    for (let r = 0; r < o.rounds; r++) {
      console.error(`[compare-torch] ${name}: training, round ${r + 1}/${o.rounds}: ours, torch`);
      ours = faster(ours, oursTrain(shape, o));
      t = torchRun(o, [...torchArgs, ...torchThreadArgs(o, r)]);
      const line = "lines" in t ? t.lines.find((l) => l.kind === "train") : undefined;
      if (line && (!tl || (line.tokens_per_s ?? 0) > (tl.tokens_per_s ?? 0))) tl = line;
    }
    if (!ours) throw new Error("training step failed");
    const flops = trainFlops(c, o.batch);
    const frac = (ms: number) => (peak ? round(flops / (ms / 1000) / 1e9 / peak) : null);
    ratios[`train_${name}`] = tl?.tokens_per_s ? round(ours.tokensPerS / tl.tokens_per_s) : null;
    print({
      bench: "train", config: name, ...dims,
      ours_tokens_per_s: round(ours.tokensPerS), torch_tokens_per_s: tl?.tokens_per_s ? round(tl.tokens_per_s) : null,
      ratio: ratios[`train_${name}`],
      ours_ms_per_step: round(ours.msPerStep), torch_ms_per_step: tl?.ms_per_step ? round(tl.ms_per_step) : null,
      gflop_per_step: round(flops / 1e9), peak_gflops: peak && round(peak), ours_sgemm_fraction: frac(ours.msPerStep),
      torch_sgemm_fraction: tl?.ms_per_step ? frac(tl.ms_per_step) : null,
      torch_threads: tl?.threads ?? null, ...("error" in t ? { torch_error: t.error } : {}),
    });

    if (!o.generate) continue;
    let g: { msPerRun: number; tokensPerS: number } | null = null;
    let gl: TorchLine | undefined;
    let tg: ReturnType<typeof torchRun> = { lines: [] };
    for (let r = 0; r < o.rounds; r++) {
      console.error(`[compare-torch] ${name}: generation, round ${r + 1}/${o.rounds}: ours, torch`);
      g = faster(g, await oursGenerate(shape, o));
      tg = torchRun(o, [...torchArgs.slice(0, -4), "--batch", "1", "--steps", "0", "--gen-batch", String(o.genBatch), "--gen-prompt", String(o.genPrompt), "--gen-tokens", String(o.genTokens), ...torchThreadArgs(o, r)]);
      const line = "lines" in tg ? tg.lines.find((l) => l.kind === "generate") : undefined;
      if (line && (!gl || (line.tokens_per_s ?? 0) > (gl.tokens_per_s ?? 0))) gl = line;
    }
    if (!g) throw new Error("generation failed");
    ratios[`generate_${name}`] = gl?.tokens_per_s ? round(g.tokensPerS / gl.tokens_per_s) : null;
    print({
      bench: "generate", config: name, ...dims, batch: o.genBatch, prompt: o.genPrompt, new_tokens: o.genTokens, decoding: "greedy, KV cache",
      ours_tokens_per_s: round(g.tokensPerS), torch_tokens_per_s: gl?.tokens_per_s ? round(gl.tokens_per_s) : null,
      ratio: ratios[`generate_${name}`], torch_threads: gl?.threads ?? null, ...("error" in tg ? { torch_error: tg.error } : {}),
    });
  }
  const load = os.loadavg().map((x) => round(x, 2));
  const known = Object.values(ratios).filter((r): r is number => r !== null);
  print({ bench: "summary", target_ratio: 1, ratios, min_ratio: known.length ? Math.min(...known) : null, meets_target: known.length > 0 && known.every((r) => r >= 1), rounds: o.rounds, load_average_start: loadStart, load_average_end: load });
}

// Runnable on its own too: npx tsx bench/compare-torch.ts [options]
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runCompareTorch(process.argv.slice(2)).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
