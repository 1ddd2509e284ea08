// The losses of every stage, as small functions on tensors (tested against hand-computed values and
// gradients in tests/engine/losses.test.ts). Shapes in comments; masks are float 0/1 tensors.
import { tf } from "../model/tf.ts";
import { tokenLogprobs } from "../kernels/fused.ts";

/**
 * log p(target) per position: logits [B,T,V], targets [B,T] int32 -> [B,T]. One fused native op forward
 * and backward on the cpu backend; elsewhere log-softmax and a one-hot select (no gather).
 */
export { tokenLogprobs };

/** Mean of x over the positions where mask is 1 (0 when the mask is empty). */
export function maskedMean(x: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  return tf.div(tf.sum(tf.mul(x, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
}

/** Next-token cross-entropy, averaged over unmasked positions: logits [B,T,V], targets/mask [B,T]. */
export function maskedCrossEntropy(logits: tf.Tensor3D, targets: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
  return tf.neg(maskedMean(tokenLogprobs(logits, targets), mask)) as tf.Scalar;
}

/** Entropy of the predictive distribution at each position: [B,T,V] -> [B,T]. */
export function entropy(logits: tf.Tensor3D): tf.Tensor2D {
  const lp = tf.logSoftmax(logits);
  return tf.neg(tf.sum(tf.mul(tf.exp(lp), lp), 2)) as tf.Tensor2D;
}

/** Fraction of unmasked positions whose argmax is the target. */
export function maskedAccuracy(logits: tf.Tensor3D, targets: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
  const hit = tf.cast(tf.equal(tf.argMax(logits, 2), targets), "float32");
  return maskedMean(hit, mask);
}

/** log sigmoid(x) = -softplus(-x), stable for large |x|. */
export function logSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.neg(tf.softplus(tf.neg(x)));
}

/**
 * Reward-model loss over preference pairs: -log sigmoid(r_c - r_r), each pair weighted (1/C(K,2) for
 * the pairs of a K-way ranking), summed per group and averaged over `groups` batch elements.
 * Optional centring term coef * mean((r_c + r_r)^2) with the same weights (TRL center_rewards_coefficient).
 */
export function pairwiseRewardLoss(rc: tf.Tensor1D, rr: tf.Tensor1D, weights: tf.Tensor1D, groups: number, centerCoef = 0): tf.Scalar {
  let loss = tf.div(tf.sum(tf.mul(tf.neg(logSigmoid(tf.sub(rc, rr))), weights)), groups);
  if (centerCoef > 0) loss = tf.add(loss, tf.mul(tf.div(tf.sum(tf.mul(tf.square(tf.add(rc, rr)), weights)), groups), centerCoef));
  return loss as tf.Scalar;
}

/**
 * DPO (Rafailov et al. 2023): logits = beta ((pi_c - ref_c) - (pi_r - ref_r)) on summed completion
 * log-probs; loss -log sigmoid(logits), weighted as pairwiseRewardLoss. Returns the loss and the
 * implicit rewards beta (pi - ref) of chosen and rejected.
 */
export function dpoLoss(
  piC: tf.Tensor1D,
  piR: tf.Tensor1D,
  refC: tf.Tensor1D,
  refR: tf.Tensor1D,
  beta: number,
  weights: tf.Tensor1D,
  groups: number,
): { loss: tf.Scalar; chosenRewards: tf.Tensor1D; rejectedRewards: tf.Tensor1D } {
  const chosenRewards = tf.mul(tf.sub(piC, refC), beta) as tf.Tensor1D;
  const rejectedRewards = tf.mul(tf.sub(piR, refR), beta) as tf.Tensor1D;
  const loss = tf.div(tf.sum(tf.mul(tf.neg(logSigmoid(tf.sub(chosenRewards, rejectedRewards))), weights)), groups) as tf.Scalar;
  return { loss, chosenRewards, rejectedRewards };
}

/**
 * PPO clipped surrogate (Schulman et al. 2017), masked: mean(max(-A r, -A clip(r, 1-eps, 1+eps))).
 * newLogp/oldLogp/adv/mask [B,T]. Also returns the clip fraction and approx KL 0.5 (log r)^2 (TRL).
 */
export function ppoPolicyLoss(newLogp: tf.Tensor2D, oldLogp: tf.Tensor2D, adv: tf.Tensor2D, mask: tf.Tensor2D, clip: number) {
  const logRatio = tf.sub(newLogp, oldLogp);
  const ratio = tf.exp(logRatio);
  const pg1 = tf.mul(tf.neg(adv), ratio);
  const pg2 = tf.mul(tf.neg(adv), tf.clipByValue(ratio, 1 - clip, 1 + clip));
  const loss = maskedMean(tf.maximum(pg1, pg2), mask);
  const clipfrac = maskedMean(tf.cast(tf.greater(pg2, pg1), "float32"), mask);
  const approxKl = maskedMean(tf.mul(tf.square(logRatio), 0.5), mask);
  return { loss, clipfrac, approxKl, ratio: maskedMean(ratio, mask) };
}

/** Clipped value loss: 0.5 mean(max((v - R)^2, (v_old + clip(v - v_old, -eps, eps) - R)^2)), masked. */
export function ppoValueLoss(values: tf.Tensor2D, oldValues: tf.Tensor2D, returns: tf.Tensor2D, mask: tf.Tensor2D, clip: number) {
  const clipped = tf.add(oldValues, tf.clipByValue(tf.sub(values, oldValues), -clip, clip));
  const l1 = tf.square(tf.sub(values, returns));
  const l2 = tf.square(tf.sub(clipped, returns));
  const loss = tf.mul(maskedMean(tf.maximum(l1, l2), mask), 0.5) as tf.Scalar;
  const clipfrac = maskedMean(tf.cast(tf.greater(l2, l1), "float32"), mask);
  return { loss, clipfrac };
}

/**
 * Generalised advantage estimation (Schulman et al. 2016) over each row's valid prefix (JS arrays).
 * rewards, values, mask: [B][T]; returns advantages and returns (= advantages + values), 0 where masked.
 */
export function gae(rewards: number[][], values: number[][], mask: number[][], gamma: number, lambda: number) {
  const adv = rewards.map((r) => r.map(() => 0));
  const ret = rewards.map((r) => r.map(() => 0));
  for (let b = 0; b < rewards.length; b++) {
    let last = 0;
    for (let t = rewards[b].length - 1; t >= 0; t--) {
      if (!mask[b][t]) continue;
      const nextValue = t + 1 < rewards[b].length && mask[b][t + 1] ? values[b][t + 1] : 0;
      const delta = rewards[b][t] + gamma * nextValue - values[b][t];
      last = delta + gamma * lambda * (t + 1 < rewards[b].length && mask[b][t + 1] ? last : 0);
      adv[b][t] = last;
      ret[b][t] = last + values[b][t];
    }
  }
  return { advantages: adv, returns: ret };
}

/** (x - mean) / (std + 1e-8) over the masked entries, 0 elsewhere (TRL masked_whiten, shifted mean). */
export function whiten(x: number[][], mask: number[][]): number[][] {
  let n = 0;
  let s = 0;
  x.forEach((r, b) => r.forEach((v, t) => mask[b][t] && (n++, (s += v))));
  const mean = n ? s / n : 0;
  let ss = 0;
  x.forEach((r, b) => r.forEach((v, t) => mask[b][t] && (ss += (v - mean) ** 2)));
  const std = n > 1 ? Math.sqrt(ss / (n - 1)) : 1;
  return x.map((r, b) => r.map((v, t) => (mask[b][t] ? (v - mean) / (std + 1e-8) : 0)));
}
