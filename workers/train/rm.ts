// Reward model (InstructGPT step 2; Stiennon et al. 2020; TRL RewardTrainer): the SFT network with the
// unembedding replaced by a scalar head read at the last (EOS) token. Loss -log sigmoid(r_c - r_r) over
// the pairs of each prompt's ranking; a K-way ranking gives all C(K,2) pairs as ONE batch element, each
// pair weighted 1/C(K,2) (InstructGPT: shuffling the pairs as independent examples overfits). Optional
// centring 0.01 * mean((r_c + r_r)^2) (TRL center_rewards_coefficient). One epoch (InstructGPT).
// After training the head's bias is shifted so that demonstrations (the best-ranked completion of each
// training prompt) score 0 on average (InstructGPT, Stiennon et al.).
// Logs: loss, accuracy, margin, reward/min, reward/mean, reward/max; eval/accuracy, eval/loss.
import { tf } from "../model/tf.ts";
import { buildPreferenceGroups, normalizeRecords } from "../data/index.ts";
import { pairwiseRewardLoss } from "./losses.ts";
import { type EncodedGroup, disposeBatch, encodeGroups, preferenceBatch, selectPairs } from "./preferences.ts";
import type { GPT } from "../model/gpt.ts";
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
import { Rng } from "../model/rng.ts";
import { ZRmConfig, type TRmConfig } from "../../lib/schemas/hyperparameters.ts";
import { EngineError } from "../errors.ts";

/** Hyperparameters: defaults, ranges and sources in lib/schemas/hyperparameters.ts (ZRmConfig). */
export type RmConfig = TRmConfig;
export const RM_DEFAULTS: RmConfig = ZRmConfig.parse({});

/** Rewards [N] at each sequence's last token for a batch of groups. */
function rewardsOf(model: GPT, groups: EncodedGroup[], padId: number) {
  return preferenceBatch(groups, padId);
}

/**
 * Rewards at the last token of each of `seqs` (no pairs needed: a preference batch's pair selectors
 * cannot be built for a single sequence, so demonstrations are scored on plain right-padded ids).
 */
function sequenceRewards(model: GPT, seqs: number[][], padId: number): number[] {
  if (!seqs.length) return [];
  const T = Math.max(...seqs.map((s) => s.length));
  const ids = new Int32Array(seqs.length * T).fill(padId);
  seqs.forEach((s, i) => ids.set(s, i * T));
  const r = tf.tidy(() => model.rewardAt(tf.tensor2d(ids, [seqs.length, T], "int32"), seqs.map((s) => s.length - 1)));
  const out = Array.from(r.dataSync());
  r.dispose();
  return out;
}

export async function rm(input: StageInput<RmConfig>): Promise<StageResult> {
  const log = defaultLog(input as StageInput<unknown>);
  await ensureBackend(log);
  // 1. Config, data, model (SFT network + a new scalar head).
  const resumed = input.resume === false ? null : readCheckpointState(input.outDir, "rm");
  const cfg = resumed ? (resumed.config as unknown as RmConfig) : resolveConfig("rm", input.config);
  const groups = buildPreferenceGroups(normalizeRecords("preferences", input.data));
  if (groups.length === 0) throw new EngineError("NO_DATA", "rm: no preference pairs");
  const { model, tokenizer } = await loadModel(resumed ? checkpointModelDir(input.outDir, "model") : requireFrom("rm", input.from), {
    head: "scalar",
    rng: new Rng(cfg.seed + 1),
  });
  const maxLen = Math.min(cfg.maxLength, model.config.blockSize) - 1;
  const encoded = await encodeGroups(tokenizer, groups, maxLen);
  const { train, val } = splitTrainVal(encoded, cfg.valFraction, cfg.seed);
  const totalSteps = resumed?.totalSteps ?? totalStepsFor(cfg, train.length);
  log(`[engine] rm: ${train.length} train / ${val.length} val groups (${train.reduce((a, g) => a + g.pairs.length, 0)} train pairs), ${totalSteps} steps`);

  const opt = makeOptimizer(model, cfg);
  if (resumed) loadOptimizerState(input.outDir, "model", opt);
  const state: TrainerState = resumed ?? {
    stage: "rm",
    step: 0,
    totalSteps,
    config: cfg as unknown as Record<string, unknown>,
    rng: cfg.seed,
    early: { best: 1e30, bad: 0 },
    lastMetrics: {},
  };

  /** Loss, accuracy and margins of a batch without training (held-out evaluation). */
  const measure = (gs: EncodedGroup[]) => {
    const b = rewardsOf(model, gs, tokenizer.padId);
    const out = tf.tidy(() => {
      const r = model.rewardAt(b.ids, b.lastIndex);
      const rc = selectPairs(b.chosenSel, r);
      const rr = selectPairs(b.rejectedSel, r);
      return [pairwiseRewardLoss(rc, rr, b.weights, b.groups, cfg.centerRewardsCoef), tf.sum(tf.cast(tf.greater(rc, rr), "float32")), tf.sum(tf.sub(rc, rr))];
    });
    const [loss, correct, margin] = out.map((t) => t.dataSync()[0]);
    tf.dispose(out);
    const n = b.pairs;
    disposeBatch(b);
    return { loss, correct, margin, pairs: n };
  };

  try {
    // 2. Train.
    const { status, stopReason, metrics } = await runLoop({
      stage: "rm",
      input: input as StageInput<unknown>,
      cfg,
      totalSteps,
      state,
      log,
      lossKey: "eval/accuracy",
      higherIsBetter: true,
      step: async (step) => {
        const batch = batchIndices(train.length, cfg.batchSize, step, cfg.seed).map((i) => train[i]);
        const b = preferenceBatch(batch, tokenizer.padId);
        let aux: tf.Tensor[] = [];
        const { loss, gradNorm } = optimizerStep(opt, lrAt(step, totalSteps, cfg), () =>
          tf.tidy(() => {
            const r = model.rewardAt(b.ids, b.lastIndex); // [N]
            const rc = selectPairs(b.chosenSel, r);
            const rr = selectPairs(b.rejectedSel, r);
            aux = [tf.mean(tf.cast(tf.greater(rc, rr), "float32")), tf.mean(tf.sub(rc, rr)), tf.min(r), tf.mean(r), tf.max(r)].map((t) => tf.keep(t));
            return pairwiseRewardLoss(rc, rr, b.weights, b.groups, cfg.centerRewardsCoef);
          }),
        );
        const [accuracy, margin, rmin, rmean, rmax] = aux.map((t) => t.dataSync()[0]);
        tf.dispose(aux);
        disposeBatch(b);
        return {
          metrics: { loss, accuracy, margin, "reward/min": rmin, "reward/mean": rmean, "reward/max": rmax, grad_norm: gradNorm },
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
              const m = measure(gs);
              loss += m.loss * gs.length;
              correct += m.correct;
              margin += m.margin;
              pairs += m.pairs;
            }
            return { "eval/loss": loss / val.length, "eval/accuracy": correct / pairs, "eval/margin": margin / pairs };
          }
        : undefined,
      checkpoint: () => saveCheckpoint(input.outDir, { models: { model: { model, tokenizer } }, optimizers: { model: opt }, state }),
    });

    // 3. Normalise: demonstrations (each training prompt's best-ranked completion) score 0 on average.
    if (cfg.normalizeToDemonstrations && status !== "cancelled") {
      const demos = train.map((g) => {
        const rejected = new Set(g.pairs.map(([, r]) => r));
        const best = g.pairs.map(([c]) => c).find((c) => !rejected.has(c)) ?? g.pairs[0][0];
        return g.seqs[best];
      });
      let sum = 0;
      for (let i = 0; i < demos.length; i += cfg.batchSize) {
        sum += sequenceRewards(model, demos.slice(i, i + cfg.batchSize), tokenizer.padId).reduce((a, x) => a + x, 0);
      }
      const shift = demos.length ? sum / demos.length : 0;
      tf.tidy(() => model.params["score.bias"].assign(tf.sub(model.params["score.bias"], shift)));
      metrics["reward/bias_shift"] = -shift;
      log(`[engine] rm: reward bias shifted by ${(-shift).toFixed(4)} so demonstrations score 0 on average`);
    }

    await saveModel(input.outDir, model, tokenizer, { stage: "rm", metrics });
    const result: StageResult = { status, stopReason, step: state.step, totalSteps, metrics, modelDir: input.outDir };
    writeFinalMetrics(input.outDir, result);
    return result;
  } finally {
    opt.dispose();
    model.dispose();
  }
}
