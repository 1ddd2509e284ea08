import { z } from "zod";
import { validateRunConfig } from "./hyperparameters";

// Training rounds, the model registry, review and blind comparisons. Request and response schemas side
// by side; the route handlers, the UI, the worker and the demo script all read them from here.

// ---------------------------------------------------------------------------------------------
// Runs: POST /api/v1/projects/{id}/runs -> {id}
// ---------------------------------------------------------------------------------------------

export const STAGE_NAMES = ["pretrain", "sft", "rm", "ppo", "dpo"] as const;
export const ZStageName = z.enum(STAGE_NAMES);
export type TStageName = z.infer<typeof ZStageName>;

export const PRESET_NAMES = ["tiny", "small", "gpt2-124m"] as const;
export const ZPresetName = z.enum(PRESET_NAMES);

/** The model kind each stage writes. */
export const STAGE_MODEL_KIND = { pretrain: "BASE", sft: "SFT", rm: "RM", ppo: "POLICY", dpo: "POLICY" } as const;

/**
 * Run configuration (TrainingRun.config). Top-level hyperparameters (maxSteps, batchSize, lr, seed ...)
 * apply to every stage; `sft`, `rm`, `ppo`, `dpo`, `pretrain` hold per-stage overrides (they win). Which
 * keys each stage knows, with defaults and ranges: lib/schemas/hyperparameters.ts (checked against the
 * run's stages by createRun and the schedule request; the engine parses with the same schemas). `corpus`: pretraining texts (else the project's prompts and
 * demonstrations). `rewardVersionId`: an RM version for a ppo stage when the run has no rm stage.
 */
export const ZRunConfig = z
  .looseObject({
    corpus: z.array(z.string().min(1)).max(100_000).optional(),
    rewardVersionId: z.string().optional(),
    pretrain: z.record(z.string(), z.unknown()).optional(),
    sft: z.record(z.string(), z.unknown()).optional(),
    rm: z.record(z.string(), z.unknown()).optional(),
    ppo: z.record(z.string(), z.unknown()).optional(),
    dpo: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((c, ctx) => {
    for (const [k, v] of Object.entries(c)) {
      if (["corpus", "rewardVersionId", ...STAGE_NAMES].includes(k)) continue;
      if (!["number", "string", "boolean"].includes(typeof v)) ctx.addIssue({ code: "custom", path: [k], message: "must be a number, string or boolean (per-stage blocks go under sft, rm, ppo, dpo, pretrain)" });
    }
  });
export type TRunConfig = z.infer<typeof ZRunConfig>;

export const ZCreateRunRequest = z.object({
  stages: z.array(ZStageName).min(1, "name at least one stage").max(10),
  preset: ZPresetName.optional(),
  config: ZRunConfig.optional(),
  snapshotId: z.string().optional(),
  /** Freeze the project's accepted labels into a new snapshot now and train on it. */
  freezeLabels: z.boolean().optional(),
  fromVersionId: z.string().optional(),
});
export type TCreateRunRequest = z.infer<typeof ZCreateRunRequest>;
export const ZCreateRunResponse = z.object({ id: z.string() });

export const ZRunStatus = z.enum(["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"]);
export type TRunStatus = z.infer<typeof ZRunStatus>;

export const ZStageView = z.object({
  id: z.string(),
  kind: ZStageName,
  position: z.number().int(),
  status: ZRunStatus,
  step: z.number().int(),
  totalSteps: z.number().int(),
  attempts: z.number().int(),
  modelVersionId: z.string().nullable(),
  metrics: z.record(z.string(), z.number()).nullable(),
  error: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type TStageView = z.infer<typeof ZStageView>;

export const ZRunView = z.object({
  id: z.string(),
  projectId: z.string(),
  status: ZRunStatus,
  preset: z.string(),
  config: z.unknown(),
  trigger: z.string(),
  snapshotId: z.string().nullable(),
  fromVersionId: z.string().nullable(),
  cancelRequested: z.boolean(),
  error: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  stages: z.array(ZStageView),
});
export type TRunView = z.infer<typeof ZRunView>;

/** GET /api/v1/runs/{id}/metrics?after=<id>: rows after the cursor, oldest first. */
export const ZMetricsQuery = z.object({ after: z.coerce.number().int().min(0).optional(), limit: z.coerce.number().int().min(1).max(20_000).optional() });
export const ZMetricRow = z.object({ id: z.number(), stageId: z.string(), step: z.number(), name: z.string(), value: z.number() });
export type TMetricRow = z.infer<typeof ZMetricRow>;
export const ZMetricsResponse = z.object({ items: z.array(ZMetricRow), next: z.number() });
export type TMetricsResponse = z.infer<typeof ZMetricsResponse>;

/** GET /api/v1/runs/{id}/logs?after=<id> */
export const ZLogRow = z.object({ id: z.number(), level: z.string(), message: z.string(), createdAt: z.string() });
export type TLogRow = z.infer<typeof ZLogRow>;
export const ZLogsResponse = z.object({ items: z.array(ZLogRow), next: z.number() });

// ---------------------------------------------------------------------------------------------
// Model registry
// ---------------------------------------------------------------------------------------------

export const ZModelKind = z.enum(["BASE", "SFT", "RM", "POLICY"]);
export const ZModelStatus = z.enum(["DRAFT", "APPROVED", "REJECTED", "PRODUCTION", "ARCHIVED"]);
export type TModelStatus = z.infer<typeof ZModelStatus>;

export const ZModelSummary = z.object({
  id: z.string(),
  kind: ZModelKind,
  name: z.string(),
  algorithm: z.string(),
  parentId: z.string().nullable(),
  rewardModelId: z.string().nullable(),
  snapshotId: z.string().nullable(),
  runId: z.string().nullable(),
  status: ZModelStatus,
  metrics: z.record(z.string(), z.number()),
  createdAt: z.string(),
});
export type TModelSummary = z.infer<typeof ZModelSummary>;

export const ZModelReviewView = z.object({ id: z.string(), reviewer: z.string(), decision: z.string(), comment: z.string().nullable(), createdAt: z.string() });
export const ZModelDetail = ZModelSummary.extend({
  projectId: z.string(),
  config: z.unknown(),
  evaluation: z.unknown().nullable(),
  artifactPath: z.string().nullable(),
  promotedAt: z.string().nullable(),
  snapshotName: z.string().nullable(),
  launchedBy: z.string().nullable(),
  stageId: z.string().nullable(),
  reviews: z.array(ZModelReviewView),
});
export type TModelDetail = z.infer<typeof ZModelDetail>;

export const ZReviewModelRequest = z.object({ decision: z.enum(["approve", "reject"]), comment: z.string().trim().max(5000).default("") });
export type TReviewModelRequest = z.infer<typeof ZReviewModelRequest>;

// ---------------------------------------------------------------------------------------------
// Generation, candidates
// ---------------------------------------------------------------------------------------------

export const ZGenerateRequest = z.object({
  prompts: z.array(z.string().min(1).max(20_000)).min(1).max(16),
  maxTokens: z.number().int().min(1).max(512).optional(),
  temperature: z.number().min(0).max(5).optional(),
  topK: z.number().int().min(0).max(1000).optional(),
  topP: z.number().gt(0).max(1).optional(),
  seed: z.number().int().min(0).optional(),
});
export type TGenerateRequest = z.infer<typeof ZGenerateRequest>;
export const ZGenerateResponse = z.object({
  completions: z.array(z.string()),
  promptTokensDropped: z
    .array(z.number().int())
    .describe("Per prompt: tokens cut from its start because the prompt alone did not fit the model's positions (0 = the model read it whole)"),
  truncated: z.boolean().describe("Whether any prompt was cut (see promptTokensDropped)"),
});

export const ZCandidatesRequest = z.object({
  versionIds: z.array(z.string()).min(1).max(8).optional(),
  promptIds: z.array(z.string()).min(1).max(1000).optional(),
  /** At most this many prompts (default 50). */
  limit: z.number().int().min(1).max(1000).optional(),
  /** Most new tokens per answer (default 64; shortened to the positions the prompt leaves in the model). */
  maxTokens: z.number().int().min(1).max(512).optional(),
  /** Sampling temperature (default 1; 0 = greedy, the same answer K times). */
  temperature: z.number().min(0).max(5).optional(),
});
export type TCandidatesRequest = z.infer<typeof ZCandidatesRequest>;
export const ZJobResponse = z.object({ jobId: z.string() });

// ---------------------------------------------------------------------------------------------
// Blind comparisons and the leaderboard
// ---------------------------------------------------------------------------------------------

// The prompts: an explicit list (promptIds, or promptTexts matched against the project's prompts), or
// `count` (default 20) prompts of a split (EVAL, TRAIN or ALL), oldest first; no split: eval prompts first, then training ones.
export const ZComparisonSplit = z.enum(["EVAL", "TRAIN", "ALL"]);
export const ZCreateComparisonRequest = z
  .object({
    versionAId: z.string(),
    versionBId: z.string(),
    promptIds: z.array(z.string()).min(1).max(500).optional(),
    promptTexts: z.array(z.string().trim().min(1, "must not be empty").max(20_000)).min(1).max(500).optional(),
    split: ZComparisonSplit.optional(),
    count: z.number().int().min(1).max(500).optional(),
    maxTokens: z.number().int().min(1).max(512).optional(),
  })
  .refine((b) => b.versionAId !== b.versionBId, { message: "compare two different versions", path: ["versionBId"] })
  .refine((b) => !(b.promptIds && b.promptTexts), { message: "give promptIds or promptTexts, not both", path: ["promptTexts"] })
  .refine((b) => !((b.promptIds || b.promptTexts) && (b.split || b.count)), { message: "split and count choose prompts; leave them out with an explicit list", path: ["split"] });
export type TCreateComparisonRequest = z.infer<typeof ZCreateComparisonRequest>;
export const ZCreateComparisonResponse = z.object({ id: z.string(), status: z.string(), prompts: z.number().int(), jobId: z.string() });

export const ZComparisonChoice = z.enum(["left", "right", "tie", "both_bad"]);
export type TComparisonChoice = z.infer<typeof ZComparisonChoice>;
export const ZVoteRequest = z.object({ choice: ZComparisonChoice });

export const ZComparisonItemView = z.object({ itemId: z.string(), comparisonId: z.string(), prompt: z.string(), left: z.string(), right: z.string(), remaining: z.number().int() });
export type TComparisonItemView = z.infer<typeof ZComparisonItemView>;

export const ZInterval = z.object({ low: z.number(), high: z.number() });
export const ZComparisonSummary = z.object({
  id: z.string(),
  status: z.string(),
  versionA: z.object({ id: z.string(), name: z.string() }),
  versionB: z.object({ id: z.string(), name: z.string() }),
  items: z.number().int(),
  votes: z.number().int(),
  /** A's win rate over B in this comparison (ties count half; both-bad votes are not games), with its Wilson 95% interval. */
  winRateA: z.number().nullable(),
  winRateACi: ZInterval.nullable(),
  undecided: z.boolean(),
  createdAt: z.string(),
});
export type TComparisonSummary = z.infer<typeof ZComparisonSummary>;

export const ZLeaderboardRow = z.object({
  versionId: z.string(),
  name: z.string(),
  kind: z.string(),
  status: z.string(),
  games: z.number(),
  wins: z.number(),
  losses: z.number(),
  ties: z.number(),
  bothBad: z.number(),
  winRate: z.number().nullable(),
  winRateCi: ZInterval.nullable(),
  /** No games yet, or the Wilson interval contains 50%: not enough votes to call it better or worse. */
  undecided: z.boolean(),
  rating: z.number(),
});
export type TLeaderboardRow = z.infer<typeof ZLeaderboardRow>;
export const ZLeaderboardResponse = z.object({ items: z.array(ZLeaderboardRow), votes: z.number().int() });
export type TLeaderboardResponse = z.infer<typeof ZLeaderboardResponse>;

// ---------------------------------------------------------------------------------------------
// Schedules: PUT /api/v1/projects/{id}/schedule
// ---------------------------------------------------------------------------------------------

export const ZScheduleRequest = z
  .object({
    enabled: z.boolean(),
    cron: z.string().trim().min(1).max(120).nullable().optional(),
    minNewLabels: z.number().int().min(1).max(1_000_000).nullable().optional(),
    stages: z.array(ZStageName).min(1).max(10),
    preset: ZPresetName.optional(),
    config: ZRunConfig.optional(),
    fromVersionId: z.string().optional(),
  })
  .refine((s) => !s.enabled || s.cron || s.minNewLabels, { message: "an enabled schedule needs cron or minNewLabels", path: ["cron"] })
  .superRefine((s, ctx) => {
    for (const i of validateRunConfig(s.stages, s.config ?? {}, s.preset)) ctx.addIssue({ code: "custom", path: i.path.split("."), message: i.message });
  });
export type TScheduleRequest = z.infer<typeof ZScheduleRequest>;

/** Project.scheduleConfig */
export const ZScheduleConfig = z.object({
  stages: z.array(ZStageName),
  preset: ZPresetName.optional(),
  config: ZRunConfig.optional(),
  fromVersionId: z.string().optional(),
  /** When the schedule was (re)enabled: the first cron slot and label count start here. */
  enabledAt: z.string().optional(),
});
export type TScheduleConfig = z.infer<typeof ZScheduleConfig>;

export const ZScheduleView = z.object({
  enabled: z.boolean(),
  cron: z.string().nullable(),
  minNewLabels: z.number().nullable(),
  config: ZScheduleConfig.nullable(),
  lastScheduledAt: z.string().nullable(),
});
export type TScheduleView = z.infer<typeof ZScheduleView>;

// ---------------------------------------------------------------------------------------------
// Queue job payloads (web app -> worker)
// ---------------------------------------------------------------------------------------------

export const JOB = {
  trainingRun: "training-run",
  generate: "generate",
  candidates: "candidates",
  comparison: "comparison",
} as const;

export type TTrainingRunJob = { runId: string };
export type TGenerateJob = { versionId: string; prompts: string[]; maxTokens?: number; temperature?: number; topK?: number; topP?: number; seed?: number };
export type TGenerateJobResult = { completions: string[]; promptTokensDropped?: number[] };
export type TCandidatesJob = { projectId: string; versionIds?: string[]; promptIds?: string[]; limit?: number; maxTokens?: number; temperature?: number };
/** promptsTruncated: prompts too long for the model, answered from their most recent tokens. */
export type TCandidatesJobResult = { tasks: number; responses: number; promptsTruncated?: number };
export type TComparisonJob = { comparisonId: string; promptIds?: string[]; count?: number; maxTokens?: number };
