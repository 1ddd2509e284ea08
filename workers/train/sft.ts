// Supervised fine-tuning (InstructGPT step 1; TRL SFTTrainer with completion-only loss): from a base
// model, next-token loss on the assistant's tokens only (its content and the <|endoftext|> closing it),
// the prompt and the role tokens masked. Conversations are rendered by the one chat template
// (tokenizer/chat.ts); multi-turn conversations train on every assistant turn.
// Logs TRL's names: loss, mean_token_accuracy, entropy, num_tokens (cumulative, as TRL).
import { tf } from "../model/tf.ts";
import { normalizeRecords } from "../data/index.ts";
import { encodeChat } from "../tokenizer/chat.ts";
import { entropy, maskedAccuracy, maskedCrossEntropy, maskedMean } from "./losses.ts";
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
  optimizerStep,
  readCheckpointState,
  requireFrom,
  resolveConfig,
  runLoop,
  saveCheckpoint,
  saveModel,
  splitTrainVal,
  totalStepsFor,
  writeFinalMetrics,
} from "./common.ts";
import { ZSftConfig, type TSftConfig } from "../../lib/schemas/hyperparameters.ts";
import { EngineError } from "../errors.ts";

/** Hyperparameters: defaults, ranges and sources in lib/schemas/hyperparameters.ts (ZSftConfig). */
export type SftConfig = TSftConfig;
export const SFT_DEFAULTS: SftConfig = ZSftConfig.parse({});

export async function sft(input: StageInput<SftConfig>): Promise<StageResult> {
  const log = defaultLog(input as StageInput<unknown>);
  await ensureBackend(log);
  // 1. Config, data, model.
  const resumed = input.resume === false ? null : readCheckpointState(input.outDir, "sft");
  const cfg = resumed ? (resumed.config as unknown as SftConfig) : resolveConfig("sft", input.config);
  const records = normalizeRecords("sft", input.data);
  const { model, tokenizer } = await loadModel(resumed ? checkpointModelDir(input.outDir, "model") : requireFrom("sft", input.from), { head: "lm" });
  const maxLen = Math.min(cfg.maxLength, model.config.blockSize);

  // 2. Render every conversation; the loss mask is the assistant's tokens.
  let truncated = 0;
  const examples: LmExample[] = [];
  for (const r of records) {
    const { ids, assistantMask } = await encodeChat(tokenizer, r.messages, false);
    if (ids.length > maxLen + 1) truncated++;
    const e = { ids: ids.slice(0, maxLen + 1), lossMask: assistantMask.slice(0, maxLen + 1) };
    if (e.lossMask.slice(1).some(Boolean)) examples.push(e);
  }
  if (truncated) log(`[engine] sft: ${truncated} conversation(s) cut to ${maxLen + 1} tokens`);
  if (examples.length === 0) throw new EngineError("NO_DATA", "sft: no example has an assistant token within maxLength");
  const { train, val } = splitTrainVal(examples, cfg.valFraction, cfg.seed);
  const totalSteps = resumed?.totalSteps ?? totalStepsFor(cfg, train.length);
  log(`[engine] sft: ${train.length} train / ${val.length} val conversations, ${totalSteps} steps`);

  const opt = makeOptimizer(model, cfg);
  if (resumed) loadOptimizerState(input.outDir, "model", opt);
  const state: TrainerState = resumed ?? {
    stage: "sft",
    step: 0,
    totalSteps,
    config: cfg as unknown as Record<string, unknown>,
    rng: cfg.seed,
    early: { best: 1e30, bad: 0 },
    lastMetrics: {},
    extra: { numTokens: 0 },
  };

  try {
    // 3. Train.
    const { status, stopReason, metrics } = await runLoop({
      stage: "sft",
      input: input as StageInput<unknown>,
      cfg,
      totalSteps,
      state,
      log,
      lossKey: "eval/loss",
      step: async (step) => {
        const batch = batchIndices(train.length, cfg.batchSize, step, cfg.seed).map((i) => train[i]);
        const { x, y, mask, tokens } = lmTensors(batch, tokenizer.padId, maxLen);
        let aux: Record<string, tf.Tensor> = {};
        const { loss, gradNorm } = optimizerStep(opt, lrAt(step, totalSteps, cfg), () =>
          tf.tidy(() => {
            const logits = model.logits(x);
            aux = { mean_token_accuracy: tf.keep(maskedAccuracy(logits, y, mask)), entropy: tf.keep(maskedMean(entropy(logits), mask)) };
            return maskedCrossEntropy(logits, y, mask);
          }),
        );
        const extra = Object.fromEntries(Object.entries(aux).map(([k, t]) => [k, t.dataSync()[0]]));
        tf.dispose([x, y, mask, ...Object.values(aux)]);
        const numTokens = ((state.extra!.numTokens as number) += tokens);
        return { metrics: { loss, ...extra, num_tokens: numTokens, grad_norm: gradNorm }, tokens };
      },
      evaluate: val.length
        ? async () => {
            let loss = 0;
            let acc = 0;
            let n = 0;
            for (let i = 0; i < val.length; i += cfg.batchSize) {
              const { x, y, mask } = lmTensors(val.slice(i, i + cfg.batchSize), tokenizer.padId, maxLen);
              const [l, a, k] = tf.tidy(() => {
                const logits = model.logits(x);
                return [maskedCrossEntropy(logits, y, mask), maskedAccuracy(logits, y, mask), tf.sum(mask)];
              });
              const w = k.dataSync()[0];
              loss += l.dataSync()[0] * w;
              acc += a.dataSync()[0] * w;
              n += w;
              tf.dispose([x, y, mask, l, a, k]);
            }
            return { "eval/loss": loss / n, "eval/mean_token_accuracy": acc / n };
          }
        : undefined,
      checkpoint: () => saveCheckpoint(input.outDir, { models: { model: { model, tokenizer } }, optimizers: { model: opt }, state }),
    });

    await saveModel(input.outDir, model, tokenizer, { stage: "sft", metrics });
    const result: StageResult = { status, stopReason, step: state.step, totalSteps, metrics, modelDir: input.outDir };
    writeFinalMetrics(input.outDir, result);
    return result;
  } finally {
    opt.dispose();
    model.dispose();
  }
}
