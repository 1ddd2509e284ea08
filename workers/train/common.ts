// What every stage shares: the entry's input and result types, the common hyperparameters, the
// learning-rate schedule, a deterministic batch order, padding, one optimizer step, checkpoints
// (resumable exactly) and the loop (progress, metrics sink, early stopping, cancellation).
import fs from "node:fs";
import path from "node:path";
import { tf } from "../model/tf.ts";
import { GPT } from "../model/gpt.ts";
import { type GPTConfig, PRESETS, type PresetName } from "../model/config.ts";
import { Rng } from "../model/rng.ts";
import { type Tokenizer, trainTokenizer } from "../tokenizer/index.ts";
import { loadModel, saveModel, type EngineMeta } from "../checkpoint/index.ts";
import { readSafetensors, writeSafetensors } from "../checkpoint/safetensors.ts";
import { AdamW } from "./adamw.ts";
import { initBackend } from "../backend.ts";
import { EngineError } from "../errors.ts";
import { ZCommonConfig, formatHyperIssues, parseStageHyperparameters, type TCommonConfig, type TStageHyperparameters } from "../../lib/schemas/hyperparameters.ts";

export type StageName = "pretrain" | "sft" | "rm" | "ppo" | "dpo";

/** Where metrics go: the worker writes them to the database, tests keep them in memory. */
export interface MetricsSink {
  log(step: number, metrics: Record<string, number>): void | Promise<void>;
}

export interface StageInput<C> {
  /** Overrides of the stage's defaults (unknown keys are an error). */
  config?: Partial<C>;
  /** Records as parsed from JSONL (validated again here; see workers/data). */
  data: readonly unknown[];
  /** Model directory to start from (required by sft, rm, ppo, dpo; optional for pretrain). */
  from?: string;
  /** Reward model directory (ppo). */
  reward?: string;
  /** Where the trained model (and checkpoint/) is written. */
  outDir: string;
  sink?: MetricsSink;
  onProgress?: (step: number, totalSteps: number) => void;
  /** Abort to stop: a checkpoint is written and the result's status is "cancelled". */
  signal?: AbortSignal;
  /** Log lines (default: stderr). */
  log?: (line: string) => void;
  /** Continue from outDir/checkpoint when it exists (default true). */
  resume?: boolean;
}

/** Why a stage stopped: the held-out metric stopped improving, the step budget ran out, PPO's KL bound, or a cancel. */
export type StopReason = "converged" | "budget" | "kl_limit" | "cancelled";

export interface StageResult {
  status: "completed" | "early_stopped" | "cancelled";
  /** Why it stopped (also in the log and in metrics.json). */
  stopReason: StopReason;
  /** Optimizer steps done (in all runs, when resumed). */
  step: number;
  totalSteps: number;
  /** Final metrics: the last training metrics and the last evaluation. */
  metrics: Record<string, number>;
  /** The model directory written (= outDir). */
  modelDir: string;
}

/** Hyperparameters every stage has: their defaults, ranges and sources are in lib/schemas/hyperparameters.ts. */
export type CommonConfig = TCommonConfig;

/** The shared defaults, before a stage's own changes. */
export const COMMON_DEFAULTS: CommonConfig = ZCommonConfig.parse({});

/** The stage's schema parses the overrides (defaults filled in); an unknown key or a value out of range is an EngineError naming it. */
export function resolveConfig<S extends StageName>(stage: S, overrides: Record<string, unknown> = {}): TStageHyperparameters[S] {
  const r = parseStageHyperparameters(stage, overrides, (k) => `config.${k}`);
  if (!r.ok) throw new EngineError("INVALID_CONFIG", formatHyperIssues(r.issues));
  return r.config;
}

/** Linear warm-up, then cosine decay to lr * minLrRatio at the last step (nanoGPT get_lr). */
export function lrAt(step: number, total: number, c: Pick<CommonConfig, "lr" | "warmupSteps" | "minLrRatio">): number {
  const warm = Math.min(c.warmupSteps, Math.max(0, total - 1));
  if (step < warm) return (c.lr * (step + 1)) / (warm + 1);
  const minLr = c.lr * c.minLrRatio;
  const span = Math.max(1, total - warm);
  const ratio = Math.min(1, (step - warm) / span);
  return minLr + 0.5 * (1 + Math.cos(Math.PI * ratio)) * (c.lr - minLr);
}

/** Indices of the batch at `step`: epochs of seeded permutations laid end to end (resumable by step). */
export function batchIndices(n: number, batchSize: number, step: number, seed: number): number[] {
  const out: number[] = [];
  const perEpoch = n;
  for (let k = step * batchSize; k < (step + 1) * batchSize; k++) {
    const epoch = Math.floor(k / perEpoch);
    out.push(permutation(n, seed, epoch)[k % perEpoch]);
  }
  return out;
}
const permCache = new Map<string, number[]>();
function permutation(n: number, seed: number, epoch: number): number[] {
  const key = `${n}:${seed}:${epoch}`;
  let p = permCache.get(key);
  if (!p) {
    p = new Rng(seed * 7919 + epoch * 104729 + 17).shuffle(Array.from({ length: n }, (_, i) => i));
    if (permCache.size > 64) permCache.clear();
    permCache.set(key, p);
  }
  return p;
}

/** Steps for the run: maxSteps, or ceil(epochs * n / batchSize), or (neither set) the default budget. */
export function totalStepsFor(c: Pick<CommonConfig, "maxSteps" | "epochs" | "batchSize" | "budgetSteps">, n: number): number {
  if (c.maxSteps > 0) return c.maxSteps;
  if (c.epochs > 0) return Math.max(1, Math.ceil((c.epochs * n) / c.batchSize));
  return c.budgetSteps;
}

/** Early stopping applies only to the default budget: an explicit maxSteps or epochs is trained exactly. */
export function earlyStoppingOn(c: Pick<CommonConfig, "maxSteps" | "epochs" | "earlyStopping" | "patience">): boolean {
  return c.earlyStopping && c.patience > 0 && c.maxSteps === 0 && c.epochs === 0;
}

/**
 * The early-stopping rule, after one evaluation at `step`: `value` (lower is better) improves on the best
 * by more than 1e-6 or counts as one more evaluation without improvement; true = stop (converged) once
 * `patience` evaluations in a row did not improve and at least `minSteps` steps are done.
 */
export function earlyStopAfterEval(early: { best: number; bad: number }, value: number, step: number, rule: { patience: number; minSteps: number }): boolean {
  if (value < early.best - 1e-6) {
    early.best = value;
    early.bad = 0;
  } else early.bad += 1;
  return rule.patience > 0 && step >= rule.minSteps && early.bad >= rule.patience;
}

/** Seeded split into train and held-out records. */
export function splitTrainVal<T>(items: T[], valFraction: number, seed: number): { train: T[]; val: T[] } {
  if (valFraction <= 0 || items.length < 4) return { train: items, val: [] };
  const order = new Rng(seed + 99991).shuffle(items.map((_, i) => i));
  const nVal = Math.max(1, Math.round(items.length * valFraction));
  const valSet = new Set(order.slice(0, nVal));
  return { train: items.filter((_, i) => !valSet.has(i)), val: items.filter((_, i) => valSet.has(i)) };
}

/** Right-pad sequences to the batch's longest (capped at maxLen): ids [B, T] and a 0/1 mask. */
export function padRight(seqs: number[][], padId: number, maxLen: number): { ids: number[][]; mask: number[][]; T: number } {
  const T = Math.max(1, Math.min(maxLen, Math.max(...seqs.map((s) => s.length))));
  const ids = seqs.map((s) => [...s.slice(0, T), ...new Array(Math.max(0, T - s.length)).fill(padId)]);
  const mask = seqs.map((s) => [...new Array(Math.min(T, s.length)).fill(1), ...new Array(Math.max(0, T - s.length)).fill(0)]);
  return { ids, mask, T };
}

/**
 * One optimizer step: grads of lossFn (a synchronous closure, all tensors inside it are tidied by
 * variableGrads) w.r.t. the optimizer's variables, an AdamW update, grads disposed. Returns the loss.
 */
export function optimizerStep(opt: AdamW, lr: number, lossFn: () => tf.Scalar): { loss: number; gradNorm: number } {
  const { value, grads } = tf.variableGrads(lossFn, opt.params.map((p) => p.variable));
  const gradNorm = opt.apply(grads, lr);
  tf.dispose(grads);
  const loss = value.dataSync()[0];
  value.dispose();
  return { loss, gradNorm };
}

/** Read scalar tensors into numbers and dispose them. */
export function readScalars(ts: Record<string, tf.Tensor>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, t] of Object.entries(ts)) {
    out[k] = t.dataSync()[0];
    t.dispose();
  }
  return out;
}

export function makeOptimizer(model: GPT, c: CommonConfig): AdamW {
  return new AdamW(
    model.specs.map((s) => ({ name: s.name, variable: model.params[s.name], decay: s.decay })),
    { beta1: c.beta1, beta2: c.beta2, eps: 1e-8, weightDecay: c.weightDecay, gradClip: c.gradClip },
  );
}

// ---------------------------------------------------------------------------------------------
// Checkpoints: outDir/checkpoint/{trainer_state.json, <name>/ (model dirs), optimizer-<name>.safetensors}

export interface TrainerState {
  stage: StageName;
  step: number;
  totalSteps: number;
  config: Record<string, unknown>;
  /** RNG state of the stage's sampling stream (PPO), or of nothing else. */
  rng: number;
  early: { best: number; bad: number }; // best starts at 1e30 (JSON has no Infinity)
  lastMetrics: Record<string, number>;
  extra?: Record<string, unknown>;
}

export interface CheckpointParts {
  models: Record<string, { model: GPT; tokenizer: Tokenizer; meta?: Omit<EngineMeta, "head"> }>;
  optimizers: Record<string, AdamW>;
  state: TrainerState;
}

export function checkpointDir(outDir: string): string {
  return path.join(outDir, "checkpoint");
}

export async function saveCheckpoint(outDir: string, parts: CheckpointParts): Promise<void> {
  const dir = checkpointDir(outDir);
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  for (const [name, m] of Object.entries(parts.models)) await saveModel(path.join(tmp, name), m.model, m.tokenizer, { stage: parts.state.stage, ...m.meta });
  for (const [name, o] of Object.entries(parts.optimizers)) writeSafetensors(path.join(tmp, `optimizer-${name}.safetensors`), await o.state(), { t: String(o.t) });
  fs.writeFileSync(path.join(tmp, "trainer_state.json"), JSON.stringify(parts.state, null, 2));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
}

/** The state of a checkpoint for this stage in outDir, or null. */
export function readCheckpointState(outDir: string, stage: StageName): TrainerState | null {
  const file = path.join(checkpointDir(outDir), "trainer_state.json");
  if (!fs.existsSync(file)) return null;
  const s = JSON.parse(fs.readFileSync(file, "utf8")) as TrainerState;
  return s.stage === stage ? s : null;
}

export function loadOptimizerState(outDir: string, name: string, opt: AdamW): void {
  const { tensors, metadata } = readSafetensors(path.join(checkpointDir(outDir), `optimizer-${name}.safetensors`));
  opt.load(tensors, Number(metadata.t ?? 0));
}

export function checkpointModelDir(outDir: string, name: string): string {
  return path.join(checkpointDir(outDir), name);
}

// ---------------------------------------------------------------------------------------------
// Models to start from

/** A new LM from a preset, with a tokenizer trained on texts (pretraining from scratch). */
export async function newBaseModel(preset: PresetName, texts: string[], seed: number, log: (l: string) => void): Promise<{ model: GPT; tokenizer: Tokenizer }> {
  const p = PRESETS[preset];
  const tokenizer = await trainTokenizer(texts, { vocabSize: p.tokenizerVocabSize, log });
  const config: GPTConfig = { ...p.model, vocabSize: tokenizer.vocabSize };
  const model = GPT.create(config, "lm", new Rng(seed));
  log(`[engine] new ${preset} GPT: ${(model.numParams() / 1e6).toFixed(2)}M parameters, vocab ${config.vocabSize}, ${config.blockSize} positions`);
  return { model, tokenizer };
}

export function requireFrom(stage: string, from: string | undefined, what = "--from"): string {
  if (!from) throw new EngineError("NO_MODEL", `${stage} needs a model to start from (${what} DIR)`);
  // Retryable: the files may be on storage that comes back (a remount, a copy still under way).
  if (!fs.existsSync(path.join(from, "config.json"))) throw new EngineError("NO_MODEL", `${stage}: ${from} is not a model directory (no config.json)`, true);
  return from;
}

export { loadModel, saveModel };

// ---------------------------------------------------------------------------------------------
// The loop

export interface LoopSpec {
  stage: StageName;
  input: StageInput<unknown>;
  cfg: CommonConfig;
  totalSteps: number;
  /** Loaded from a checkpoint, or fresh. */
  state: TrainerState;
  /** One optimizer step; returns its metrics and how many tokens it processed. */
  step: (step: number) => Promise<{ metrics: Record<string, number>; tokens: number }>;
  /** Held-out evaluation; `lossKey` in its result drives early stopping (lower is better unless higherIsBetter). */
  evaluate?: () => Promise<Record<string, number>>;
  lossKey?: string;
  higherIsBetter?: boolean;
  /** Extra early stopping rule checked after every step (e.g. PPO's KL bound); returns a reason. */
  stopAfterStep?: (metrics: Record<string, number>) => string | null;
  /** Write a resumable checkpoint of the current state. */
  checkpoint: () => Promise<void>;
  log: (l: string) => void;
}

export function defaultLog(input: StageInput<unknown>): (l: string) => void {
  return input.log ?? ((l: string) => console.error(l));
}

/** Run steps state.step .. totalSteps-1 with progress, metrics, evaluation, early stopping, cancel. */
export async function runLoop(spec: LoopSpec): Promise<{ status: StageResult["status"]; stopReason: StopReason; metrics: Record<string, number> }> {
  const { cfg, state, input } = spec;
  const sink = input.sink;
  const early = earlyStoppingOn(cfg);
  let status: StageResult["status"] = "completed";
  let stopReason: StopReason = "budget";
  let evalMetrics: Record<string, number> = {};
  const doEval = async () => {
    if (!spec.evaluate) return false;
    evalMetrics = await spec.evaluate();
    if (sink) await sink.log(state.step, evalMetrics);
    const v = spec.lossKey ? evalMetrics[spec.lossKey] : undefined;
    if (v === undefined || !Number.isFinite(v)) return false;
    const stop = earlyStopAfterEval(state.early, spec.higherIsBetter ? -v : v, state.step, cfg);
    return early && stop;
  };

  while (state.step < spec.totalSteps) {
    if (input.signal?.aborted) {
      status = "cancelled";
      stopReason = "cancelled";
      break;
    }
    const t0 = performance.now();
    const { metrics, tokens } = await spec.step(state.step);
    const dt = (performance.now() - t0) / 1000;
    state.step += 1;
    const m: Record<string, number> = { ...metrics, lr: lrAt(state.step - 1, spec.totalSteps, cfg), "charts/tokens_per_s": tokens / Math.max(dt, 1e-9) };
    state.lastMetrics = m;
    if (sink && (state.step % cfg.logInterval === 0 || state.step === spec.totalSteps)) await sink.log(state.step, m);
    input.onProgress?.(state.step, spec.totalSteps);
    if (!Object.values(metrics).every(Number.isFinite)) throw new EngineError("NON_FINITE", `${spec.stage}: non-finite metric at step ${state.step}: ${JSON.stringify(metrics)}`);
    const reason = spec.stopAfterStep?.(m) ?? null;
    if (reason) {
      spec.log(`[engine] ${spec.stage}: early stop at step ${state.step}: ${reason}`);
      status = "early_stopped";
      stopReason = "kl_limit";
      break;
    }
    if (cfg.evalInterval > 0 && state.step % cfg.evalInterval === 0 && state.step < spec.totalSteps) {
      if (await doEval()) {
        spec.log(`[engine] ${spec.stage}: early stop at step ${state.step}: ${spec.lossKey} did not improve for ${cfg.patience} evaluations`);
        status = "early_stopped";
        stopReason = "converged";
        break;
      }
    }
    if (cfg.checkpointInterval > 0 && state.step % cfg.checkpointInterval === 0 && state.step < spec.totalSteps) await spec.checkpoint();
  }
  if (status !== "cancelled") await doEval();
  await spec.checkpoint();
  spec.log(`[engine] ${spec.stage}: stopped at step ${state.step} of ${spec.totalSteps} (${stopReason})`);
  return { status, stopReason, metrics: { ...state.lastMetrics, ...evalMetrics } };
}

/** Ensure the backend is chosen (idempotent) before any tensor is made. */
export async function ensureBackend(log: (l: string) => void): Promise<void> {
  await initBackend({ log });
}

export function writeFinalMetrics(outDir: string, result: StageResult): void {
  fs.writeFileSync(path.join(outDir, "metrics.json"), JSON.stringify(result, null, 2));
}

// ---------------------------------------------------------------------------------------------
// Next-token batches (pretraining and SFT)

/** A sequence and which of its tokens are trained on (lossMask[t] = 1: predict ids[t] from ids[<t]). */
export interface LmExample {
  ids: number[];
  lossMask: number[];
}

/** Inputs ids[0..T-1], targets ids[1..T], mask = lossMask[1..T] (and 0 on padding), as tensors. */
export function lmTensors(batch: LmExample[], padId: number, maxLen: number): { x: tf.Tensor2D; y: tf.Tensor2D; mask: tf.Tensor2D; tokens: number } {
  const T = Math.max(1, Math.min(maxLen, Math.max(...batch.map((e) => e.ids.length - 1))));
  const B = batch.length;
  const x = new Int32Array(B * T).fill(padId);
  const y = new Int32Array(B * T).fill(padId);
  const m = new Float32Array(B * T);
  let tokens = 0;
  batch.forEach((e, b) => {
    const n = Math.min(T, e.ids.length - 1);
    for (let t = 0; t < n; t++) {
      x[b * T + t] = e.ids[t];
      y[b * T + t] = e.ids[t + 1];
      m[b * T + t] = e.lossMask[t + 1] ? 1 : 0;
    }
    tokens += n;
  });
  return { x: tf.tensor2d(x, [B, T], "int32"), y: tf.tensor2d(y, [B, T], "int32"), mask: tf.tensor2d(m, [B, T]), tokens };
}

/** A seeded stream for (seed, step): resumable randomness without storing RNG state. */
export function stepRng(seed: number, step: number, salt = 0): Rng {
  return new Rng(((seed * 1000003) ^ (step * 7919 + salt * 15485863)) >>> 0);
}
