// Pretraining: next-token prediction on plain text (nanoGPT's train.py, in the cleanrl manner: one
// file, top to bottom). Documents are tokenised, each followed by <|endoftext|>, laid end to end and
// cut into blocks of maxLength + 1 tokens (GPT-2 / nanoGPT packing); the last block is padded and the
// padding masked out of the loss. A held-out share of the documents gives the validation loss.
// Without `from`, a byte-level BPE tokenizer is trained on the training text and a GPT of the preset's
// size is initialised.
import { tf } from "../model/tf.ts";
import { normalizeRecords } from "../data/index.ts";
import { maskedCrossEntropy } from "./losses.ts";
import {
  type LmExample,
  type StageInput,
  type StageResult,
  type TrainerState,
  batchIndices,
  checkpointModelDir,
  defaultLog,
  ensureBackend,
  lmTensors,
  loadModel,
  loadOptimizerState,
  lrAt,
  makeOptimizer,
  newBaseModel,
  optimizerStep,
  readCheckpointState,
  resolveConfig,
  runLoop,
  saveCheckpoint,
  saveModel,
  splitTrainVal,
  totalStepsFor,
  writeFinalMetrics,
} from "./common.ts";
import { ZPretrainConfig, type TPretrainConfig } from "../../lib/schemas/hyperparameters.ts";
import { EngineError } from "../errors.ts";

/** Hyperparameters: defaults, ranges and sources in lib/schemas/hyperparameters.ts (ZPretrainConfig). */
export type PretrainConfig = TPretrainConfig;
export const PRETRAIN_DEFAULTS: PretrainConfig = ZPretrainConfig.parse({});

export async function pretrain(input: StageInput<PretrainConfig>): Promise<StageResult> {
  const log = defaultLog(input as StageInput<unknown>);
  await ensureBackend(log);
  // 1. Config and data.
  const resumed = input.resume === false ? null : readCheckpointState(input.outDir, "pretrain");
  const cfg = resumed ? (resumed.config as unknown as PretrainConfig) : resolveConfig("pretrain", input.config);
  const docs = normalizeRecords("pretrain", input.data).map((r) => r.text);
  const { train, val } = splitTrainVal(docs, cfg.valFraction, cfg.seed);

  // 2. Model and tokenizer: the checkpoint's, the base model's, or new ones.
  const { model, tokenizer } = resumed
    ? await loadModel(checkpointModelDir(input.outDir, "model"), { head: "lm" })
    : input.from
      ? await loadModel(input.from, { head: "lm" })
      : await newBaseModel(cfg.preset, train, cfg.seed, log);
  const maxLen = Math.min(cfg.maxLength, model.config.blockSize);

  // 3. Pack documents into blocks of maxLen + 1 tokens.
  const pack = async (texts: string[]): Promise<LmExample[]> => {
    const stream: number[] = [];
    for (const t of texts) stream.push(...(await tokenizer.encode(t)), tokenizer.eosId);
    const blocks: LmExample[] = [];
    for (let s = 0; s + 1 < stream.length; s += maxLen) {
      const ids = stream.slice(s, s + maxLen + 1);
      blocks.push({ ids, lossMask: ids.map(() => 1) });
    }
    return blocks;
  };
  const trainBlocks = await pack(train);
  const valBlocks = await pack(val);
  if (trainBlocks.length === 0) throw new EngineError("NO_DATA", "pretrain: the training text is empty after tokenisation");
  const totalSteps = resumed?.totalSteps ?? totalStepsFor(cfg, trainBlocks.length);
  log(`[engine] pretrain: ${trainBlocks.length} train / ${valBlocks.length} val blocks of ${maxLen} tokens, ${totalSteps} steps`);

  // 4. Optimizer (restored when resuming).
  const opt = makeOptimizer(model, cfg);
  if (resumed) loadOptimizerState(input.outDir, "model", opt);
  const state: TrainerState = resumed ?? {
    stage: "pretrain",
    step: 0,
    totalSteps,
    config: cfg as unknown as Record<string, unknown>,
    rng: cfg.seed,
    early: { best: 1e30, bad: 0 },
    lastMetrics: {},
  };

  try {
    // 5. Train.
    const { status, stopReason, metrics } = await runLoop({
      stage: "pretrain",
      input: input as StageInput<unknown>,
      cfg,
      totalSteps,
      state,
      log,
      lossKey: "eval/loss",
      step: async (step) => {
        const batch = batchIndices(trainBlocks.length, cfg.batchSize, step, cfg.seed).map((i) => trainBlocks[i]);
        const { x, y, mask, tokens } = lmTensors(batch, tokenizer.padId, maxLen);
        const lr = lrAt(step, totalSteps, cfg);
        const { loss, gradNorm } = optimizerStep(opt, lr, () => tf.tidy(() => maskedCrossEntropy(model.logits(x), y, mask)));
        tf.dispose([x, y, mask]);
        return { metrics: { loss, grad_norm: gradNorm }, tokens };
      },
      evaluate: valBlocks.length
        ? async () => {
            let sum = 0;
            let n = 0;
            for (let i = 0; i < valBlocks.length; i += cfg.batchSize) {
              const { x, y, mask, tokens } = lmTensors(valBlocks.slice(i, i + cfg.batchSize), tokenizer.padId, maxLen);
              const l = tf.tidy(() => maskedCrossEntropy(model.logits(x), y, mask));
              sum += l.dataSync()[0] * tokens;
              n += tokens;
              tf.dispose([x, y, mask, l]);
            }
            return { "eval/loss": sum / n, "eval/perplexity": Math.exp(sum / n) };
          }
        : undefined,
      checkpoint: () => saveCheckpoint(input.outDir, { models: { model: { model, tokenizer } }, optimizers: { model: opt }, state }),
    });

    // 6. The trained model.
    await saveModel(input.outDir, model, tokenizer, { stage: "pretrain", metrics });
    const result: StageResult = { status, stopReason, step: state.step, totalSteps, metrics, modelDir: input.outDir };
    writeFinalMetrics(input.outDir, result);
    return result;
  } finally {
    opt.dispose();
    model.dispose();
  }
}
