import { z } from "zod";

// Every stage's hyperparameters: one strict zod schema per stage, each field with its default, range and
// source in its description (as TRL's configs carry `help`). The API (422), `rlhf train --set`, the launch
// form and the engine all parse with these, so the defaults live here and nowhere else.
//
// A run's `config` (TrainingRun.config) holds shared keys at the top level (they apply to every stage of
// the run) and per-stage blocks (`sft: {...}`, `ppo: {...}`) that win over them; `corpus` and
// `rewardVersionId` are run inputs, not hyperparameters. `stageOverrides` merges the two for one stage,
// `validateRunConfig` checks every chosen stage and names the key and the stage of each problem.

export const HYPER_STAGES = ["pretrain", "sft", "rm", "ppo", "dpo"] as const;
export type THyperStage = (typeof HYPER_STAGES)[number];

/** Run-config keys that are inputs of the run, not hyperparameters of a stage. */
export const RUN_INPUT_KEYS = ["corpus", "rewardVersionId"] as const;

interface TNumSpec {
  default: number;
  min: number;
  max: number;
  /** The lower bound is exclusive (> min). */
  gtMin?: boolean;
  /** The upper bound is exclusive (< max). */
  ltMax?: boolean;
  int?: boolean;
  help: string;
  source: string;
}

function num(s: TNumSpec) {
  let n = z.number({ error: (i) => (i.input === undefined ? "required" : s.int ? "must be an integer" : "must be a number") });
  if (s.int) n = n.int("must be an integer");
  n = s.gtMin ? n.gt(s.min, `must be greater than ${s.min}`) : n.min(s.min, `must be at least ${s.min}`);
  n = s.ltMax ? n.lt(s.max, `must be less than ${s.max}`) : n.max(s.max, `must be at most ${s.max}`);
  const range = `${s.gtMin ? "(" : "["}${s.min}, ${s.max}${s.ltMax ? ")" : "]"}`;
  return n.default(s.default).describe(`${s.help} Default ${s.default}; range ${range}${s.int ? ", integer" : ""}. Source: ${s.source}.`);
}

function bool(def: boolean, help: string, source: string) {
  return z.boolean({ error: "must be true or false" }).default(def).describe(`${help} Default ${def}; range true or false. Source: ${source}.`);
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T, def: T[number], help: string, source: string) {
  return z
    .enum(values, { error: `must be one of ${values.join(", ")}` })
    .default(def)
    .describe(`${help} Default ${def}; range one of ${values.join(", ")}. Source: ${source}.`);
}

/** Per-stage changes to the shared defaults (value and why). */
type TCommonOverrides = Partial<Record<"epochs" | "budgetSteps" | "minSteps" | "batchSize" | "lr" | "warmupSteps" | "minLrRatio" | "weightDecay" | "valFraction" | "evalInterval", { default: number; source: string }>>;

/** The hyperparameters every stage has (the shared keys of a run's config). */
function commonShape(o: TCommonOverrides = {}) {
  const d = <K extends keyof TCommonOverrides>(k: K, def: number, source: string) => ({ default: o[k]?.default ?? def, source: o[k]?.source ?? source });
  return {
    preset: oneOf(["tiny", "small", "gpt2-124m"], "tiny", "Model size of a model trained from scratch (pretrain without a starting model).", "workers/model/config.ts PRESETS"),
    seed: num({ default: 0, min: 0, max: 2_147_483_647, int: true, help: "Seeds initialisation, data order and sampling: same seed, same run.", source: "cleanrl Args.seed" }),
    epochs: num({ ...d("epochs", 0, "this project (train until converged)"), min: 0, max: 1000, help: "Passes over the training data, trained exactly (ignored when maxSteps > 0); 0 = train until the held-out metric stops improving, at most budgetSteps." }),
    maxSteps: num({ default: 0, min: 0, max: 10_000_000, int: true, help: "Optimizer steps, trained exactly (no early stopping); 0 = from epochs, or until converged.", source: "TRL TrainingArguments max_steps" }),
    budgetSteps: num({ ...d("budgetSteps", 1000, "this project (a tiny model learns a 600-line corpus in about 1000 steps)"), min: 1, max: 10_000_000, int: true, help: "Most optimizer steps when neither maxSteps nor epochs is set (the default budget)." }),
    minSteps: num({ ...d("minSteps", 100, "this project"), min: 0, max: 10_000_000, int: true, help: "Early stopping never stops before this many steps." }),
    earlyStopping: bool(true, "With the default budget (maxSteps and epochs 0), stop when the held-out loss (the reward model: accuracy) has not improved for patience evaluations.", "transformers EarlyStoppingCallback"),
    batchSize: num({ ...d("batchSize", 8, "TRL per_device_train_batch_size 8"), min: 1, max: 4096, int: true, help: "Sequences (or preference groups, or prompts) per step." }),
    lr: num({ ...d("lr", 3e-4, "nanoGPT learning_rate for small models"), min: 0, max: 1, gtMin: true, help: "Peak learning rate." }),
    warmupSteps: num({ ...d("warmupSteps", 10, "nanoGPT warmup_iters"), min: 0, max: 10_000_000, int: true, help: "Linear warm-up steps, then cosine decay to lr * minLrRatio." }),
    minLrRatio: num({ ...d("minLrRatio", 0.1, "nanoGPT min_lr = learning_rate / 10"), min: 0, max: 1, help: "Final learning rate as a fraction of lr (1 = constant)." }),
    beta1: num({ default: 0.9, min: 0, max: 1, ltMax: true, help: "AdamW first-moment decay.", source: "nanoGPT beta1" }),
    beta2: num({ default: 0.95, min: 0, max: 1, ltMax: true, help: "AdamW second-moment decay.", source: "nanoGPT beta2" }),
    weightDecay: num({ ...d("weightDecay", 0.1, "nanoGPT weight_decay"), min: 0, max: 10, help: "AdamW decoupled weight decay (matrices only)." }),
    gradClip: num({ default: 1.0, min: 0, max: 1000, help: "Clip the global gradient norm to this; 0 = off.", source: "nanoGPT grad_clip" }),
    maxLength: num({ default: 1024, min: 2, max: 65_536, int: true, help: "Longest sequence fed to the model (capped at the model's positions).", source: "TRL SFTConfig max_length 1024" }),
    valFraction: num({ ...d("valFraction", 0.1, "this project"), min: 0, max: 0.9, help: "Fraction of the records held out for evaluation." }),
    evalInterval: num({ ...d("evalInterval", 50, "TRL eval_steps"), min: 0, max: 10_000_000, int: true, help: "Evaluate every this many steps (and at the end); 0 = only at the end." }),
    patience: num({ default: 3, min: 0, max: 10_000, int: true, help: "Early stopping: stop after this many evaluations (every evalInterval steps) without improvement; 0 = never.", source: "transformers EarlyStoppingCallback early_stopping_patience" }),
    checkpointInterval: num({ default: 100, min: 0, max: 10_000_000, int: true, help: "Write a resumable checkpoint every this many steps (and on cancel and at the end); 0 = only then.", source: "TRL save_steps" }),
    logInterval: num({ default: 1, min: 1, max: 10_000_000, int: true, help: "Send metrics every this many steps.", source: "TRL logging_steps" }),
  };
}

/** The shared hyperparameters with their shared defaults (each stage below changes some defaults). */
export const ZCommonConfig = z.strictObject(commonShape());
export type TCommonConfig = z.infer<typeof ZCommonConfig>;

export const ZPretrainConfig = z.strictObject(
  commonShape({
    lr: { default: 1e-3, source: "nanoGPT shakespeare-char (a small model) 1e-3" },
    warmupSteps: { default: 20, source: "this project (small corpora)" },
    batchSize: { default: 16, source: "this project" },
  }),
);

export const ZSftConfig = z.strictObject(
  commonShape({
    lr: { default: 3e-4, source: "small models; InstructGPT 9.65e-6 at 1.3B-175B, TRL 2e-5" },
    weightDecay: { default: 0, source: "TRL default 0" },
  }),
);

export const ZRmConfig = z.strictObject({
  ...commonShape({
    batchSize: { default: 8, source: "groups (prompts) per step; InstructGPT 64 prompts x C(K,2) pairs" },
    lr: { default: 1e-4, source: "small models; InstructGPT 6B RM 9e-6" },
    warmupSteps: { default: 5, source: "this project" },
    weightDecay: { default: 0, source: "TRL RewardConfig default 0" },
  }),
  centerRewardsCoef: num({ default: 0.01, min: 0, max: 10, help: "Coefficient of the centring term mean((r_c + r_r)^2); 0 = off.", source: "TRL RewardConfig center_rewards_coefficient (suggested 0.01)" }),
  normalizeToDemonstrations: bool(true, "Shift the head's bias after training so demonstrations score 0 on average.", "InstructGPT"),
});

export const ZPpoConfig = z.strictObject({
  ...commonShape({
    batchSize: { default: 16, source: "prompts per rollout; InstructGPT 512" },
    epochs: { default: 1, source: "this project" },
    lr: { default: 3e-5, source: "small models; TRL 3e-6 at 1B" },
    warmupSteps: { default: 0, source: "TRL (constant learning rate)" },
    minLrRatio: { default: 1, source: "TRL (constant learning rate)" },
    weightDecay: { default: 0, source: "TRL default 0" },
    valFraction: { default: 0, source: "this project (PPO has no held-out loss)" },
  }),
  klCoef: num({ default: 0.05, min: 0, max: 10, help: "KL penalty coefficient beta.", source: "TRL PPOConfig kl_coef 0.05 (InstructGPT 0.02, DeepSpeed-Chat 0.1)" }),
  klEstimator: oneOf(["k1", "k3"], "k1", 'KL estimator per token: "k1" = logp - ref_logp, "k3" = (r - 1) - log r with r = ref/pi.', "TRL PPOConfig kl_estimator"),
  gamma: num({ default: 1, min: 0, max: 1, help: "Discount.", source: "TRL PPOConfig gamma 1 (InstructGPT)" }),
  lam: num({ default: 0.95, min: 0, max: 1, help: "GAE lambda.", source: "TRL PPOConfig lam 0.95" }),
  clipRange: num({ default: 0.2, min: 0, max: 10, gtMin: true, help: "Policy ratio clip.", source: "Schulman et al. 2017; TRL cliprange 0.2" }),
  clipRangeValue: num({ default: 0.2, min: 0, max: 100, gtMin: true, help: "Value clip around the rollout's values.", source: "TRL cliprange_value 0.2" }),
  vfCoef: num({ default: 0.1, min: 0, max: 100, help: "Value loss coefficient.", source: "TRL vf_coef 0.1" }),
  ppoEpochs: num({ default: 4, min: 1, max: 100, int: true, help: "Optimisation passes over each rollout batch.", source: "TRL num_ppo_epochs 4 (InstructGPT 1)" }),
  numMiniBatches: num({ default: 1, min: 1, max: 4096, int: true, help: "Minibatches per pass.", source: "TRL num_mini_batches 1" }),
  maxNewTokens: num({ default: 24, min: 1, max: 4096, int: true, help: "Response budget in tokens.", source: "TRL response_length 53, shorter for small models" }),
  temperature: num({ default: 0.7, min: 0, max: 5, gtMin: true, help: "Sampling temperature of rollouts (log-probs use the same).", source: "TRL temperature 0.7" }),
  maxPromptLength: num({ default: 64, min: 1, max: 65_536, int: true, help: "Prompts longer than this keep their last tokens.", source: "this project" }),
  rewardClip: num({ default: 10, min: 0, max: 1000, help: "Reward model scores are clipped to [-rewardClip, rewardClip]; 0 = off.", source: "this project" }),
  missingEosPenalty: num({ default: 0, min: 0, max: 1000, help: "Subtracted from the score of a response that never emitted EOS; 0 = off.", source: "TRL missing_eos_penalty" }),
  klStop: num({ default: 0, min: 0, max: 1_000_000, help: "Early stopping: stop when objective/kl (nats per response) exceeds this; 0 = never.", source: "this project" }),
});

export const ZDpoConfig = z.strictObject({
  ...commonShape({
    lr: { default: 1e-4, source: "small models; TRL 1e-6 for billion-parameter models" },
    warmupSteps: { default: 5, source: "this project" },
    weightDecay: { default: 0, source: "TRL default 0" },
  }),
  beta: num({ default: 0.1, min: 0, max: 10, gtMin: true, help: "Strength of the implicit KL constraint.", source: "Rafailov et al. 2023; TRL DPOConfig beta 0.1" }),
});

export const STAGE_HYPERPARAMETERS = { pretrain: ZPretrainConfig, sft: ZSftConfig, rm: ZRmConfig, ppo: ZPpoConfig, dpo: ZDpoConfig } as const;

export type TPretrainConfig = z.infer<typeof ZPretrainConfig>;
export type TSftConfig = z.infer<typeof ZSftConfig>;
export type TRmConfig = z.infer<typeof ZRmConfig>;
export type TPpoConfig = z.infer<typeof ZPpoConfig>;
export type TDpoConfig = z.infer<typeof ZDpoConfig>;
export type TStageHyperparameters = { [S in THyperStage]: z.infer<(typeof STAGE_HYPERPARAMETERS)[S]> };

/** The keys every stage knows (what a run's config may hold at the top level). */
export const COMMON_KEYS = Object.keys(ZSftConfig.shape) as (keyof TSftConfig)[];

/** A field of a stage's schema, for forms and help: key, kind, default, description. */
export interface THyperField {
  key: string;
  kind: "number" | "integer" | "boolean" | "enum";
  default: number | boolean | string;
  options?: string[];
  min?: number;
  max?: number;
  description: string;
}

/** The fields of a stage's schema in declaration order. */
export function hyperparameterFields(stage: THyperStage): THyperField[] {
  const shape = STAGE_HYPERPARAMETERS[stage].shape as Record<string, z.ZodDefault<z.ZodType>>;
  return Object.entries(shape).map(([key, field]) => {
    const inner = field.unwrap() as z.ZodType;
    const def = field.parse(undefined) as number | boolean | string;
    const description = field.description ?? "";
    if (inner instanceof z.ZodEnum) return { key, kind: "enum", default: def, options: inner.options as string[], description };
    if (inner instanceof z.ZodBoolean) return { key, kind: "boolean", default: def, description };
    const n = inner as z.ZodNumber;
    return { key, kind: n.isInt ? "integer" : "number", default: def, min: n.minValue ?? undefined, max: n.maxValue ?? undefined, description };
  });
}

export interface THyperIssue {
  /** Where the key is in the run's config: `config.ppo.klCoef`, or `config.lr` for a shared key. */
  path: string;
  message: string;
  stage: THyperStage;
}

/** Parse one stage's hyperparameters (defaults filled in); issues name the key as `prefix.key`. */
export function parseStageHyperparameters<S extends THyperStage>(
  stage: S,
  overrides: Record<string, unknown> = {},
  where: (key: string) => string = (k) => k,
): { ok: true; config: TStageHyperparameters[S] } | { ok: false; issues: THyperIssue[] } {
  const clean = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const r = STAGE_HYPERPARAMETERS[stage].safeParse(clean);
  if (r.success) return { ok: true, config: r.data as TStageHyperparameters[S] };
  const issues: THyperIssue[] = [];
  for (const i of r.error.issues) {
    if (i.code === "unrecognized_keys") for (const k of i.keys) issues.push({ path: where(k), message: `unknown hyperparameter (stage ${stage})`, stage });
    else issues.push({ path: where(String(i.path[0] ?? "")), message: `${i.message} (stage ${stage})`, stage });
  }
  return { ok: false, issues };
}

/** "config.ppo.klCoef: must be at most 10 (stage ppo)"; one line per issue. */
export function formatHyperIssues(issues: THyperIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join("; ");
}

/** A stage's overrides from a run's config: the shared scalar keys, the run's preset (pretrain), the stage's own block. */
export function stageOverrides(stage: THyperStage, config: Record<string, unknown>, preset?: string): Record<string, unknown> {
  const common: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if ((RUN_INPUT_KEYS as readonly string[]).includes(k) || (HYPER_STAGES as readonly string[]).includes(k)) continue;
    common[k] = v;
  }
  const own = (config[stage] as Record<string, unknown> | undefined) ?? {};
  return { ...common, ...(stage === "pretrain" && preset ? { preset } : {}), ...own };
}

/**
 * Checks a run's config for the stages it will run: every shared key must be known to each stage, every
 * per-stage block to its stage, every value in range. (Blocks of stages the run does not have are checked
 * too: schedules and the demo keep one config for runs of different stages.) Issues name the key where it is written
 * (`config.lr`, `config.ppo.klCoef`) and the stage that refused it.
 */
export function validateRunConfig(stages: readonly THyperStage[], config: Record<string, unknown>, preset?: string): THyperIssue[] {
  const issues: THyperIssue[] = [];
  const seen = new Set<string>();
  for (const stage of HYPER_STAGES) {
    if (!stages.includes(stage) && config[stage] === undefined) continue;
    const own = (config[stage] as Record<string, unknown> | undefined) ?? {};
    const r = parseStageHyperparameters(stage, stageOverrides(stage, config, preset), (k) => (k in own ? `config.${stage}.${k}` : `config.${k}`));
    if (r.ok) continue;
    for (const i of r.issues) {
      const key = `${i.path}|${i.message.replace(/ \(stage \w+\)$/, "")}`;
      if (seen.has(key)) continue; // a shared key refused by several stages: named once, for the first
      seen.add(key);
      issues.push(i);
    }
  }
  return issues;
}
