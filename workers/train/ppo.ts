// PPO for language models (InstructGPT step 3; Ziegler et al. 2019; TRL PPOTrainer, cleanrl ppo.py),
// top to bottom. Four networks: the policy (from SFT, trained), a frozen reference (the SFT weights),
// a frozen reward model, and a value model initialised from the reward model (trained).
//
// Each step: sample a response for a batch of prompts; score it with the reward model at its last
// token; per-token reward = -beta * KL_t (policy vs reference, k1 estimator; k3 optional) plus the score
// at the final token; GAE (gamma 1, lambda 0.95); advantages whitened over valid tokens; then
// ppoEpochs passes of clipped policy loss (0.2) and clipped value loss (0.2, coefficient 0.1) over
// minibatches. Everything after the EOS is masked. Metrics carry TRL's names.
import { tf } from "../model/tf.ts";
import type { GPT } from "../model/gpt.ts";
import { generate } from "../model/generate.ts";
import { normalizeRecords } from "../data/index.ts";
import { encodePrompt } from "../tokenizer/chat.ts";
import { gae, ppoPolicyLoss, ppoValueLoss, whiten } from "./losses.ts";
import { packResponses, responseLogprobs } from "./responses.ts";
import { Rng } from "../model/rng.ts";
import path from "node:path";
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
  stepRng,
  totalStepsFor,
  writeFinalMetrics,
} from "./common.ts";
import { ZPpoConfig, type TPpoConfig } from "../../lib/schemas/hyperparameters.ts";
import { EngineError } from "../errors.ts";

/** Hyperparameters: defaults, ranges and sources in lib/schemas/hyperparameters.ts (ZPpoConfig). */
export type PpoConfig = TPpoConfig;
export const PPO_DEFAULTS: PpoConfig = ZPpoConfig.parse({});

interface Rollout {
  ids: Int32Array;
  mask: Int32Array;
  pos: Int32Array;
  B: number;
  S: number;
  Tp: number;
  R: number;
  respMask: number[][];
  oldLogp: number[][];
  oldValues: number[][];
  advantages: number[][];
  returns: number[][];
}

/** Inputs of rows `rows` of a rollout as tensors. */
function rolloutTensors(r: Rollout, rows: number[]) {
  const pick = (a: Int32Array) => {
    const out = new Int32Array(rows.length * r.S);
    rows.forEach((b, i) => out.set(a.subarray(b * r.S, (b + 1) * r.S), i * r.S));
    return out;
  };
  const f2 = (m: number[][]) => tf.tensor2d(rows.map((b) => m[b]), [rows.length, r.R]);
  return {
    ids: tf.tensor2d(pick(r.ids), [rows.length, r.S], "int32"),
    mask: tf.tensor2d(pick(r.mask), [rows.length, r.S], "int32"),
    pos: tf.tensor2d(pick(r.pos), [rows.length, r.S], "int32"),
    respMask: f2(r.respMask),
    oldLogp: f2(r.oldLogp),
    oldValues: f2(r.oldValues),
    adv: f2(r.advantages),
    ret: f2(r.returns),
  };
}

/** Values [B, R] of the states before each response token. */
function responseValues(model: GPT, ids: tf.Tensor2D, mask: tf.Tensor2D, pos: tf.Tensor2D, Tp: number, R: number): tf.Tensor2D {
  const v = model.scalars(ids, { attentionMask: mask, positions: pos });
  return tf.slice(v, [0, Tp - 1], [ids.shape[0], R]) as tf.Tensor2D;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export async function ppo(input: StageInput<PpoConfig>): Promise<StageResult> {
  const log = defaultLog(input as StageInput<unknown>);
  await ensureBackend(log);
  // 1. Config, prompts, the four networks.
  const resumed = input.resume === false ? null : readCheckpointState(input.outDir, "ppo");
  const cfg = resumed ? (resumed.config as unknown as PpoConfig) : resolveConfig("ppo", input.config);
  const prompts = normalizeRecords("prompts", input.data);
  const fromDir = path.resolve(requireFrom("ppo", input.from ?? (resumed?.extra?.from as string | undefined)));
  const rewardDir = path.resolve(requireFrom("ppo", input.reward ?? (resumed?.extra?.reward as string | undefined), "--reward"));
  const { model: policy, tokenizer } = await loadModel(resumed ? checkpointModelDir(input.outDir, "policy") : fromDir, { head: "lm" });
  const { model: ref } = await loadModel(fromDir, { head: "lm", trainable: false });
  const { model: rewardModel, tokenizer: rmTok } = await loadModel(rewardDir, { head: "scalar", trainable: false });
  const { model: value } = await loadModel(resumed ? checkpointModelDir(input.outDir, "value") : rewardDir, { head: "scalar" });
  const models = [policy, ref, rewardModel, value];
  try {
    if (rmTok.vocabSize !== tokenizer.vocabSize || rmTok.eosId !== tokenizer.eosId) {
      throw new EngineError("MODEL_MISMATCH", `ppo: the reward model (${rewardDir}) and the policy (${fromDir}) use different tokenizers`);
    }
    const blockSize = Math.min(policy.config.blockSize, rewardModel.config.blockSize);
    const maxPrompt = Math.max(1, Math.min(cfg.maxPromptLength, blockSize - cfg.maxNewTokens));
    const encoded: number[][] = [];
    for (const p of prompts) encoded.push((await encodePrompt(tokenizer, p.prompt)).slice(-maxPrompt));
    const totalSteps = resumed?.totalSteps ?? totalStepsFor(cfg, encoded.length);
    const banned = tokenizer.specialIds.filter((id) => id !== tokenizer.eosId);
    log(`[engine] ppo: ${encoded.length} prompts, ${cfg.batchSize} per rollout, ${totalSteps} steps, beta ${cfg.klCoef}`);

    const policyOpt = makeOptimizer(policy, cfg);
    const valueOpt = makeOptimizer(value, cfg);
    if (resumed) {
      loadOptimizerState(input.outDir, "policy", policyOpt);
      loadOptimizerState(input.outDir, "value", valueOpt);
    }
    const state: TrainerState = resumed ?? {
      stage: "ppo",
      step: 0,
      totalSteps,
      config: cfg as unknown as Record<string, unknown>,
      rng: cfg.seed,
      early: { best: 1e30, bad: 0 },
      lastMetrics: {},
      extra: { from: fromDir, reward: rewardDir },
    };

    try {
      const { status, stopReason, metrics } = await runLoop({
        stage: "ppo",
        input: input as StageInput<unknown>,
        cfg,
        totalSteps,
        state,
        log,
        stopAfterStep: (m) => (cfg.klStop > 0 && m["objective/kl"] > cfg.klStop ? `objective/kl ${m["objective/kl"].toFixed(3)} > klStop ${cfg.klStop}` : null),
        step: async (step) => {
          const rng: Rng = stepRng(cfg.seed, step, 1);
          // 2. Rollout: sample responses.
          const batchPrompts = batchIndices(encoded.length, cfg.batchSize, step, cfg.seed).map((i) => encoded[i]);
          const gen = await generate(policy, batchPrompts, {
            maxNewTokens: cfg.maxNewTokens,
            temperature: cfg.temperature,
            eosId: tokenizer.eosId,
            padId: tokenizer.padId,
            rng,
            bannedIds: banned,
          });
          // An empty response is scored as EOS alone.
          const responses = gen.tokens.map((t) => (t.length ? t : [tokenizer.eosId]));
          const { B, Tp, R, S, ids, mask, pos, respMask: packedMask } = packResponses(batchPrompts, responses, tokenizer.padId);
          const respMask = Array.from({ length: B }, (_, b) => Array.from(packedMask.subarray(b * R, (b + 1) * R)));
          const lastIndex = responses.map((r) => Tp + r.length - 1);
          // 3. Score: log-probs of policy and reference, values, reward model score (no gradient).
          const [lpT, refT, valT, scoreT] = tf.tidy(() => {
            const idsT = tf.tensor2d(ids, [B, S], "int32");
            const maskT = tf.tensor2d(mask, [B, S], "int32");
            const posT = tf.tensor2d(pos, [B, S], "int32");
            return [
              responseLogprobs(policy, idsT, maskT, posT, Tp, R, cfg.temperature),
              responseLogprobs(ref, idsT, maskT, posT, Tp, R, cfg.temperature),
              responseValues(value, idsT, maskT, posT, Tp, R),
              rewardModel.rewardAt(idsT, lastIndex, { attentionMask: maskT, positions: posT }),
            ];
          });
          const oldLogp = (await lpT.array()) as number[][];
          const refLogp = (await refT.array()) as number[][];
          const oldValues = (await valT.array()) as number[][];
          const rawScores = (await scoreT.array()) as number[];
          tf.dispose([lpT, refT, valT, scoreT]);

          // 4. Rewards: -beta KL_t per token, plus the (clipped, penalised) score at the last token.
          const scores = rawScores.map((s, b) => {
            let v = s - (gen.finished[b] || cfg.missingEosPenalty === 0 ? 0 : cfg.missingEosPenalty);
            if (cfg.rewardClip > 0) v = Math.max(-cfg.rewardClip, Math.min(cfg.rewardClip, v));
            return v;
          });
          const kl = oldLogp.map((row, b) =>
            row.map((lp, t) => {
              if (!respMask[b][t]) return 0;
              const d = refLogp[b][t] - lp;
              return cfg.klEstimator === "k1" ? -d : Math.exp(d) - 1 - d;
            }),
          );
          const rewards = kl.map((row, b) => row.map((k, t) => (respMask[b][t] ? -cfg.klCoef * k : 0)));
          rewards.forEach((row, b) => (row[lastIndex[b] - Tp] += scores[b]));
          const nonScore = rewards.map((row, b) => row.reduce((a, x) => a + x, 0) - scores[b]);

          // 5. Advantages (GAE, whitened over valid tokens) and returns.
          const { advantages, returns } = gae(rewards, oldValues, respMask, cfg.gamma, cfg.lam);
          const rollout: Rollout = { ids, mask, pos, B, S, Tp, R, respMask, oldLogp, oldValues, advantages: whiten(advantages, respMask), returns };

          // 6. PPO epochs over minibatches.
          const lr = lrAt(step, totalSteps, cfg);
          const stats: Record<string, number[]> = { pg: [], vf: [], clip: [], vclip: [], akl: [], ratio: [] };
          const mbSize = Math.max(1, Math.ceil(B / cfg.numMiniBatches));
          for (let e = 0; e < cfg.ppoEpochs; e++) {
            const order = rng.shuffle(Array.from({ length: B }, (_, i) => i));
            for (let s0 = 0; s0 < B; s0 += mbSize) {
              const rows = order.slice(s0, s0 + mbSize);
              const t = rolloutTensors(rollout, rows);
              let aux: tf.Tensor[] = [];
              const pol = optimizerStep(policyOpt, lr, () =>
                tf.tidy(() => {
                  const newLogp = responseLogprobs(policy, t.ids, t.mask, t.pos, Tp, R, cfg.temperature);
                  const l = ppoPolicyLoss(newLogp, t.oldLogp, t.adv, t.respMask, cfg.clipRange);
                  aux = [l.clipfrac, l.approxKl, l.ratio].map((x) => tf.keep(x));
                  return l.loss;
                }),
              );
              let vaux: tf.Tensor[] = [];
              const val = optimizerStep(valueOpt, lr, () =>
                tf.tidy(() => {
                  const v = responseValues(value, t.ids, t.mask, t.pos, Tp, R);
                  const l = ppoValueLoss(v, t.oldValues, t.ret, t.respMask, cfg.clipRangeValue);
                  vaux = [tf.keep(l.clipfrac), tf.keep(l.loss)];
                  return tf.mul(l.loss, cfg.vfCoef) as tf.Scalar;
                }),
              );
              const [clipfrac, approxKl, ratio] = aux.map((x) => x.dataSync()[0]);
              const [vclip, vloss] = vaux.map((x) => x.dataSync()[0]);
              tf.dispose([...aux, ...vaux, ...Object.values(t)]);
              stats.pg.push(pol.loss);
              stats.vf.push(vloss);
              stats.clip.push(clipfrac);
              stats.vclip.push(vclip);
              stats.akl.push(approxKl);
              stats.ratio.push(ratio);
              void val;
            }
          }

          // 7. Metrics (TRL names).
          const seqKl = kl.map((row) => row.reduce((a, x) => a + x, 0));
          const seqEnt = oldLogp.map((row, b) => row.reduce((a, lp, t) => a - (respMask[b][t] ? lp : 0), 0));
          const meanScore = mean(scores);
          const meanNonScore = mean(nonScore);
          return {
            metrics: {
              "objective/kl": mean(seqKl),
              "objective/entropy": mean(seqEnt),
              "objective/non_score_reward": meanNonScore,
              "objective/rlhf_reward": meanScore + meanNonScore,
              "objective/scores": meanScore,
              "policy/approxkl_avg": mean(stats.akl),
              "policy/clipfrac_avg": mean(stats.clip),
              "loss/policy_avg": mean(stats.pg),
              "loss/value_avg": mean(stats.vf),
              "val/clipfrac_avg": mean(stats.vclip),
              "val/ratio": mean(stats.ratio),
              "val/num_eos_tokens": gen.finished.filter(Boolean).length,
              "val/response_length": mean(gen.tokens.map((x) => x.length)),
            },
            tokens: B * S,
          };
        },
        checkpoint: () =>
          saveCheckpoint(input.outDir, {
            models: { policy: { model: policy, tokenizer }, value: { model: value, tokenizer } },
            optimizers: { policy: policyOpt, value: valueOpt },
            state,
          }),
      });

      await saveModel(input.outDir, policy, tokenizer, { stage: "ppo", metrics });
      const result: StageResult = { status, stopReason, step: state.step, totalSteps, metrics, modelDir: input.outDir };
      writeFinalMetrics(input.outDir, result);
      return result;
    } finally {
      policyOpt.dispose();
      valueOpt.dispose();
    }
  } finally {
    for (const m of models) m.dispose();
  }
}
