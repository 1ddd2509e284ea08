// Direct preference optimisation (Rafailov et al. 2023; TRL DPOTrainer): from SFT, on the reward
// model's preference data. The policy and a frozen reference (the same SFT weights) score each
// completion by its summed token log-probabilities; loss -log sigmoid(beta * ((pi_c - ref_c) -
// (pi_r - ref_r))), beta 0.1. K-way rankings are one batch element, pairs weighted 1/C(K,2), as in rm.ts.
// Logs TRL's names: loss, rewards/chosen, rewards/rejected, rewards/accuracies, rewards/margins,
// logps/chosen, logps/rejected.
import { tf } from "../model/tf.ts";
import type { GPT } from "../model/gpt.ts";
import { buildPreferenceGroups, normalizeRecords } from "../data/index.ts";
import { dpoLoss, tokenLogprobs } from "./losses.ts";
import { type EncodedGroup, type PreferenceBatch, disposeBatch, encodeGroups, preferenceBatch, selectPairs } from "./preferences.ts";
import {
  type StageInput,
  type StageResult,
  type TrainerState,
  batchIndices,
  checkpointModelDir,
  defaultLog,
  ensureBackend,
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
import { ZDpoConfig, type TDpoConfig } from "../../lib/schemas/hyperparameters.ts";
import { EngineError } from "../errors.ts";

/** Hyperparameters: defaults, ranges and sources in lib/schemas/hyperparameters.ts (ZDpoConfig). */
export type DpoConfig = TDpoConfig;
export const DPO_DEFAULTS: DpoConfig = ZDpoConfig.parse({});

/** Summed completion log-probs per sequence: [N]. */
export function sequenceLogprobs(model: GPT, b: PreferenceBatch): tf.Tensor1D {
  const T = b.ids.shape[1];
  const N = b.ids.shape[0];
  const x = tf.slice(b.ids, [0, 0], [N, T - 1]) as tf.Tensor2D;
  const y = tf.slice(b.ids, [0, 1], [N, T - 1]) as tf.Tensor2D;
  return tf.sum(tf.mul(tokenLogprobs(model.logits(x), y), b.completionMask), 1) as tf.Tensor1D;
}

export async function dpo(input: StageInput<DpoConfig>): Promise<StageResult> {
  const log = defaultLog(input as StageInput<unknown>);
  await ensureBackend(log);
  // 1. Config, data; policy (trained) and reference (frozen), both from SFT.
  const resumed = input.resume === false ? null : readCheckpointState(input.outDir, "dpo");
  const cfg = resumed ? (resumed.config as unknown as DpoConfig) : resolveConfig("dpo", input.config);
  const groups = buildPreferenceGroups(normalizeRecords("preferences", input.data));
  if (groups.length === 0) throw new EngineError("NO_DATA", "dpo: no preference pairs");
  const refDir = resumed ? checkpointModelDir(input.outDir, "ref") : requireFrom("dpo", input.from);
  const { model: policy, tokenizer } = await loadModel(resumed ? checkpointModelDir(input.outDir, "policy") : refDir, { head: "lm" });
  const { model: ref } = await loadModel(refDir, { head: "lm", trainable: false });
  const maxLen = Math.min(cfg.maxLength, policy.config.blockSize) - 1;
  const encoded = await encodeGroups(tokenizer, groups, maxLen);
  const { train, val } = splitTrainVal(encoded, cfg.valFraction, cfg.seed);
  const totalSteps = resumed?.totalSteps ?? totalStepsFor(cfg, train.length);
  log(`[engine] dpo: ${train.length} train / ${val.length} val groups, beta ${cfg.beta}, ${totalSteps} steps`);

  const opt = makeOptimizer(policy, cfg);
  if (resumed) loadOptimizerState(input.outDir, "policy", opt);
  const state: TrainerState = resumed ?? {
    stage: "dpo",
    step: 0,
    totalSteps,
    config: cfg as unknown as Record<string, unknown>,
    rng: cfg.seed,
    early: { best: 1e30, bad: 0 },
    lastMetrics: {},
  };

  /** Reference log-probs of the batch's pairs (no gradient). */
  const refPairs = (b: PreferenceBatch) =>
    tf.tidy(() => {
      const lp = sequenceLogprobs(ref, b);
      return [selectPairs(b.chosenSel, lp), selectPairs(b.rejectedSel, lp)];
    });

  const evaluate = async (gs: EncodedGroup[]) => {
    const b = preferenceBatch(gs, tokenizer.padId);
    const [refC, refR] = refPairs(b);
    const out = tf.tidy(() => {
      const lp = sequenceLogprobs(policy, b);
      const d = dpoLoss(selectPairs(b.chosenSel, lp), selectPairs(b.rejectedSel, lp), refC as tf.Tensor1D, refR as tf.Tensor1D, cfg.beta, b.weights, b.groups);
      return [d.loss, tf.sum(tf.cast(tf.greater(d.chosenRewards, d.rejectedRewards), "float32")), tf.sum(tf.sub(d.chosenRewards, d.rejectedRewards))];
    });
    const [loss, correct, margin] = out.map((t) => t.dataSync()[0]);
    const pairs = b.pairs;
    tf.dispose([...out, refC, refR]);
    disposeBatch(b);
    return { loss, correct, margin, pairs };
  };

  try {
    // 2. Train.
    const { status, stopReason, metrics } = await runLoop({
      stage: "dpo",
      input: input as StageInput<unknown>,
      cfg,
      totalSteps,
      state,
      log,
      lossKey: "eval/loss",
      step: async (step) => {
        const batch = batchIndices(train.length, cfg.batchSize, step, cfg.seed).map((i) => train[i]);
        const b = preferenceBatch(batch, tokenizer.padId);
        const [refC, refR] = refPairs(b);
        let aux: tf.Tensor[] = [];
        const { loss, gradNorm } = optimizerStep(opt, lrAt(step, totalSteps, cfg), () =>
          tf.tidy(() => {
            const lp = sequenceLogprobs(policy, b);
            const piC = selectPairs(b.chosenSel, lp);
            const piR = selectPairs(b.rejectedSel, lp);
            const d = dpoLoss(piC, piR, refC as tf.Tensor1D, refR as tf.Tensor1D, cfg.beta, b.weights, b.groups);
            aux = [
              tf.mean(d.chosenRewards),
              tf.mean(d.rejectedRewards),
              tf.mean(tf.cast(tf.greater(d.chosenRewards, d.rejectedRewards), "float32")),
              tf.mean(tf.sub(d.chosenRewards, d.rejectedRewards)),
              tf.mean(piC),
              tf.mean(piR),
            ].map((t) => tf.keep(t));
            return d.loss;
          }),
        );
        const [rc, rr, acc, margin, lpc, lpr] = aux.map((t) => t.dataSync()[0]);
        tf.dispose([...aux, refC, refR]);
        disposeBatch(b);
        return {
          metrics: {
            loss,
            "rewards/chosen": rc,
            "rewards/rejected": rr,
            "rewards/accuracies": acc,
            "rewards/margins": margin,
            "logps/chosen": lpc,
            "logps/rejected": lpr,
            grad_norm: gradNorm,
          },
          tokens: b.tokens,
        };
      },
      evaluate: val.length
        ? async () => {
            let loss = 0;
            let correct = 0;
            let margin = 0;
            let pairs = 0;
            for (let i = 0; i < val.length; i += cfg.batchSize) {
              const gs = val.slice(i, i + cfg.batchSize);
              const m = await evaluate(gs);
              loss += m.loss * gs.length;
              correct += m.correct;
              margin += m.margin;
              pairs += m.pairs;
            }
            return { "eval/loss": loss / val.length, "eval/rewards/accuracies": correct / pairs, "eval/rewards/margins": margin / pairs };
          }
        : undefined,
      checkpoint: () =>
        saveCheckpoint(input.outDir, {
          models: { policy: { model: policy, tokenizer }, ref: { model: ref, tokenizer } },
          optimizers: { policy: opt },
          state,
        }),
    });

    await saveModel(input.outDir, policy, tokenizer, { stage: "dpo", metrics });
    const result: StageResult = { status, stopReason, step: state.step, totalSteps, metrics, modelDir: input.outDir };
    writeFinalMetrics(input.outDir, result);
    return result;
  } finally {
    opt.dispose();
    policy.dispose();
    ref.dispose();
  }
}
