import { z } from "zod";

// Labeling API: import, assignment, submission, quality, review, snapshots and export. Request and
// response schemas sit side by side; the labeling UI, the route handlers, the CLI and the training worker
// all read them from here. Dates travel as ISO strings.

// ---------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------

export const ZLabelKind = z.enum(["DEMONSTRATION", "RANKING", "PAIRWISE"]);
export type TLabelKind = z.infer<typeof ZLabelKind>;

/** Lower-case kind used in URLs: `?kind=ranking`, `/api/v1/labels/ranking/{id}/review`. */
export const ZKindParam = z.enum(["demonstration", "ranking", "pairwise"]);
export type TKindParam = z.infer<typeof ZKindParam>;
export const kindFromParam = (k: TKindParam): TLabelKind => k.toUpperCase() as TLabelKind;

export const ZChatRole = z.enum(["system", "user", "assistant"]);
/** One chat turn; content at most 100,000 characters (IMPORT_MAX_TEXT). */
export const ZChatMessage = z.object({ role: ZChatRole, content: z.string().max(100_000) });
export type TChatMessage = z.infer<typeof ZChatMessage>;

export const ZSplitParam = z.enum(["train", "eval"]);

// ---------------------------------------------------------------------------------------------
// Import: POST /api/v1/projects/{id}/import?mode=partial|all_or_nothing&format=jsonl|csv
// Body: the raw JSONL/CSV text, or multipart/form-data with a `file` field. Admins only.
//
// One line (JSONL) or row (CSV, header row naming the columns) is one prompt. Accepted shapes:
//   {"prompt": "...", "responses": ["...", "..."], "split": "train", "metadata": {...}}
//   {"messages": [{"role": "user", "content": "..."}, ...]}   multi-turn; a final assistant turn becomes a response
//   {"prompt": "...", "completion": "..."}                    TRL/OpenRLHF SFT: the completion becomes a response
//   {"prompt": "...", "chosen": "...", "rejected": "..."}     TRL/OpenRLHF preference: two responses,
//                                                              imported unranked (the pair is stored in metadata.preference)
//   {"text": "..."}                                           rejected: pretraining text is not a prompt
// Gold items (for checking labelers), optional on any line:
//   "gold": {"ranking": [[0], [1, 2], [3]]}   groups best to worst of indices into this line's responses
//                                             (ties share a group; every index exactly once)
//   "gold": {"text": "..."}                   a reference demonstration
// CSV: columns prompt, response_1..response_9 (or responses as a JSON array), split, metadata (JSON),
// gold_ranking (JSON, as above), chosen, rejected, completion.
// ---------------------------------------------------------------------------------------------

export const ZImportMode = z.enum(["partial", "all_or_nothing"]);
export const ZImportFormat = z.enum(["jsonl", "csv"]);
export const ZImportQuery = z.object({
  mode: ZImportMode.default("partial"),
  format: ZImportFormat.default("jsonl"),
});
export type TImportQuery = z.infer<typeof ZImportQuery>;

/** Default upload limit; IMPORT_MAX_BYTES in the environment overrides it. */
export const IMPORT_MAX_BYTES_DEFAULT = 100 * 1024 * 1024;
/** Longest prompt / response text accepted (characters). */
export const IMPORT_MAX_TEXT = 100_000;

export const ZImportGold = z
  .object({
    ranking: z.array(z.array(z.number().int().min(0)).min(1)).min(1).optional(),
    text: z.string().min(1).max(IMPORT_MAX_TEXT).optional(),
  })
  .strict()
  .refine((g) => g.ranking || g.text, "gold needs ranking or text");

/** One line as written in a file (after the `text`-only check). */
export const ZImportLine = z
  .object({
    prompt: z.string().trim().min(1, "must not be empty").max(IMPORT_MAX_TEXT).optional(),
    messages: z.array(ZChatMessage).min(1).max(200).optional(),
    responses: z.array(z.string().trim().min(1, "must not be empty").max(IMPORT_MAX_TEXT)).max(50).optional(),
    completion: z.string().trim().min(1).max(IMPORT_MAX_TEXT).optional(),
    chosen: z.string().trim().min(1).max(IMPORT_MAX_TEXT).optional(),
    rejected: z.string().trim().min(1).max(IMPORT_MAX_TEXT).optional(),
    split: z.string().trim().toLowerCase().pipe(ZSplitParam).optional(),
    metadata: z.record(z.string(), z.unknown()).refine((m) => JSON.stringify(m).length <= IMPORT_MAX_TEXT, `must be at most ${IMPORT_MAX_TEXT} characters of JSON`).optional(),
    gold: ZImportGold.optional(),
  })
  .passthrough();
export type TImportLine = z.infer<typeof ZImportLine>;

export const ZImportLineError = z.object({ line: z.number().int(), error: z.string() });
export type TImportLineError = z.infer<typeof ZImportLineError>;

export const ZImportResponse = z.object({
  importId: z.string(),
  mode: ZImportMode,
  /** Prompts stored. */
  imported: z.number().int(),
  /** Tasks created for them. */
  tasksCreated: z.number().int(),
  /** Lines refused, with the line number (1-based, CSV counts the header as line 1) and the reason. */
  rejected: z.array(ZImportLineError),
  /** Lines whose normalised prompt already exists in the project or earlier in the file (not stored). */
  duplicates: z.array(ZImportLineError),
});
export type TImportResponse = z.infer<typeof ZImportResponse>;

// ---------------------------------------------------------------------------------------------
// Assignment: GET /api/v1/projects/{id}/tasks/next?kind=ranking|demonstration|pairwise
// 200 with the task leased to the caller, or 204 when nothing is left for them.
// Responses are shuffled per labeler (stable for one assignment); their source is never sent.
// ---------------------------------------------------------------------------------------------

export const ZNextTaskQuery = z.object({ kind: ZKindParam.optional() });

export const ZTaskResponseView = z.object({ id: z.string(), text: z.string() });

export const ZNextTaskResponse = z.object({
  id: z.string(),
  kind: ZLabelKind,
  projectId: z.string(),
  promptId: z.string(),
  prompt: z.string(),
  /** Earlier turns plus the last user turn, for multi-turn prompts. */
  messages: z.array(ZChatMessage).nullable().optional(),
  /** In the order to show them (PAIRWISE: [A, B]). Empty for demonstrations. */
  responses: z.array(ZTaskResponseView),
  guidelines: z.string().optional(),
  assignmentId: z.string(),
  leaseExpiresAt: z.string(),
  /** Flag names the labeler may set on a response. */
  flags: z.array(z.string()),
  /** Score scale for per-response Likert scores. */
  scoreScale: z.object({ min: z.literal(1), max: z.literal(7) }),
  /** The caller's saved draft, when there is one. */
  draft: z.unknown().optional(),
});
export type TNextTaskResponse = z.infer<typeof ZNextTaskResponse>;

// ---------------------------------------------------------------------------------------------
// Submission: POST /api/v1/tasks/{id}/submit
// RANKING: {ranking: [["r1"], ["r2", "r3"], ["r4"]], orderAction: "moved"|"confirmed"} groups best to
//          worst, tied ids share a group, exactly the task's response ids, each once. orderAction says how
//          the labeler settled the order: "moved" (moved, tied or scored answers) or "confirmed" (said the
//          order shown is right); a ranking that says neither is refused, so an untouched shuffled order
//          is never stored as a label.
// DEMONSTRATION: {text}
// PAIRWISE: {choice: "A"|"B"|"tie"|"both_bad", strength: 1..3 (0 or absent for tie/both_bad)}
// Optional: flags {responseId: [flag]}, score {responseId: 1..7} (rankings), rationale, timeSpentMs;
// allBad (rankings: all answers are bad, still ranked; pairwise: true only with choice "both_bad").
// ---------------------------------------------------------------------------------------------

export const ZPairwiseChoice = z.enum(["A", "B", "tie", "both_bad"]);
export type TPairwiseChoice = z.infer<typeof ZPairwiseChoice>;

export const ZOrderAction = z.enum(["moved", "confirmed"]);
export type TOrderAction = z.infer<typeof ZOrderAction>;

export const ZRankingGroups = z.array(z.array(z.string().min(1)).min(1, "a group must not be empty")).min(1);
export type TRankingGroups = z.infer<typeof ZRankingGroups>;

export const ZSubmitTaskRequest = z
  .object({
    ranking: ZRankingGroups.optional(),
    text: z.string().trim().min(1, "must not be empty").max(IMPORT_MAX_TEXT).optional(),
    choice: ZPairwiseChoice.optional(),
    strength: z.number().int().min(0).max(3).optional(),
    flags: z.record(z.string(), z.array(z.string()).max(20)).optional(),
    score: z.record(z.string(), z.number().int().min(1, "scores are 1 to 7").max(7, "scores are 1 to 7")).optional(),
    rationale: z.string().max(10_000).optional(),
    allBad: z.boolean().optional(),
    orderAction: ZOrderAction.optional(),
    timeSpentMs: z.number().int().min(0).max(24 * 3600_000).optional(),
  })
  .strict();
export type TSubmitTaskRequest = z.infer<typeof ZSubmitTaskRequest>;

export const ZSubmitTaskResponse = z.object({
  taskId: z.string(),
  kind: ZLabelKind,
  labelId: z.string(),
  taskStatus: z.enum(["OPEN", "COMPLETE", "CLOSED"]),
  labelsDone: z.number().int(),
  labelsNeeded: z.number().int(),
  /** Until when POST /api/v1/tasks/{id}/undo works. */
  undoUntil: z.string(),
});
export type TSubmitTaskResponse = z.infer<typeof ZSubmitTaskResponse>;

// POST /api/v1/tasks/{id}/skip {reason} -> {taskId, skipped: true}
export const ZSkipTaskRequest = z.object({ reason: z.string().trim().max(500).default("") });
export type TSkipTaskRequest = z.infer<typeof ZSkipTaskRequest>;
export const ZSkipTaskResponse = z.object({ taskId: z.string(), skipped: z.literal(true) });
export type TSkipTaskResponse = z.infer<typeof ZSkipTaskResponse>;

// PUT /api/v1/tasks/{id}/draft {data} -> {taskId, updatedAt}; GET -> {taskId, data, updatedAt} or 204.
// `data` is whatever the UI wants to restore (e.g. a partial ranking), at most 100 kB of JSON.
export const ZSaveDraftRequest = z.object({ data: z.unknown() }).refine(
  (v) => v.data !== undefined && JSON.stringify(v.data).length <= 100_000,
  "data must be JSON of at most 100 kB",
);
export type TSaveDraftRequest = z.infer<typeof ZSaveDraftRequest>;
export const ZDraftResponse = z.object({ taskId: z.string(), data: z.unknown(), updatedAt: z.string() });
export type TDraftResponse = z.infer<typeof ZDraftResponse>;

// POST /api/v1/tasks/{id}/undo (the caller's last submission, within 5 minutes) -> the task leased again.
export const UNDO_WINDOW_MS = 5 * 60_000;
export const ZUndoResponse = z.object({ taskId: z.string(), assignmentId: z.string(), leaseExpiresAt: z.string() });
export type TUndoResponse = z.infer<typeof ZUndoResponse>;

// ---------------------------------------------------------------------------------------------
// Quality: GET /api/v1/projects/{id}/quality (reviewers, admins)
// agreement.kendallTau: mean Kendall tau-b over every pair of labelers' rankings of the same task.
// alphaFlags: Krippendorff's alpha (nominal) over "flag f set on response r" decisions.
// alphaScores: Krippendorff's alpha (interval) over 1-7 scores of the same response.
// goldAccuracy: share of gold checks passed (ranking: tau-b vs gold >= 0.5 or the gold top response is in
// the labeler's top group; pairwise: same preferred side; demonstrations are not scored).
// ---------------------------------------------------------------------------------------------

export const GOLD_TAU_THRESHOLD = 0.5;
export const LOW_AGREEMENT_TAU = 0.2;

export const ZAgreement = z.object({
  kendallTau: z.number().nullable(),
  /** Labeler pairs compared for kendallTau. */
  comparisons: z.number().int(),
  alphaFlags: z.number().nullable(),
  alphaScores: z.number().nullable(),
});

export const ZLabelerQuality = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  count: z.number().int(),
  medianTimeMs: z.number().nullable(),
  /**
   * kendallTau: mean tau-b between this labeler and the others on shared tasks. alphaFlags / alphaScores:
   * Krippendorff's alpha over the units (task, response[, flag]) this labeler coded, all coders' values.
   */
  agreement: z.object({
    kendallTau: z.number().nullable(),
    comparisons: z.number().int(),
    alphaFlags: z.number().nullable(),
    alphaScores: z.number().nullable(),
  }),
  goldAccuracy: z.number().nullable(),
  goldChecked: z.number().int(),
  rejected: z.number().int(),
});

export const ZProjectQualityResponse = z.object({
  project: z.object({
    count: z.number().int(),
    labelers: z.number().int(),
    medianTimeMs: z.number().nullable(),
    agreement: ZAgreement,
    goldAccuracy: z.number().nullable(),
    goldChecked: z.number().int(),
  }),
  labelers: z.array(ZLabelerQuality),
});
export type TProjectQualityResponse = z.infer<typeof ZProjectQualityResponse>;

// ---------------------------------------------------------------------------------------------
// Review: GET /api/v1/projects/{id}/review-queue?limit=50 (reviewers, admins): PENDING/ACCEPTED labels not yet
// reviewed; failed gold first, then low agreement, then the rest (oldest first).
// POST /api/v1/labels/{kind}/{id}/review {decision, comment?, correctedGroups? | correctedText? | correctedChoice?}
// ---------------------------------------------------------------------------------------------

export const ZReviewQueueQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

export const ZReviewQueueItem = z.object({
  kind: ZKindParam,
  id: z.string(),
  taskId: z.string(),
  prompt: z.string(),
  messages: z.array(ZChatMessage).nullable().optional(),
  labeler: z.object({ id: z.string(), email: z.string(), name: z.string().nullable() }),
  createdAt: z.string(),
  status: z.enum(["PENDING", "ACCEPTED", "REJECTED", "CORRECTED"]),
  reason: z.enum(["failed_gold", "low_agreement", "unreviewed"]),
  /** Mean tau-b with the other labelers of the task (rankings), or null. */
  agreement: z.number().nullable(),
  goldPassed: z.boolean().nullable(),
  /** Reviewers see the responses with their source. */
  responses: z.array(z.object({ id: z.string(), text: z.string(), source: z.enum(["HUMAN", "IMPORTED", "MODEL"]) })),
  label: z.object({
    groups: ZRankingGroups.optional(),
    text: z.string().optional(),
    choice: ZPairwiseChoice.optional(),
    strength: z.number().int().optional(),
    flags: z.record(z.string(), z.array(z.string())).optional(),
    scores: z.record(z.string(), z.number()).optional(),
    rationale: z.string().nullable().optional(),
    allBad: z.boolean().optional(),
    /** Rankings: how the labeler settled the order ("moved" or "confirmed"; null before it was recorded). */
    orderAction: ZOrderAction.nullable().optional(),
    timeSpentMs: z.number().nullable().optional(),
  }),
});
export type TReviewQueueItem = z.infer<typeof ZReviewQueueItem>;
export const ZReviewQueueResponse = z.object({ items: z.array(ZReviewQueueItem) });
export type TReviewQueueResponse = z.infer<typeof ZReviewQueueResponse>;

export const ZReviewDecision = z.enum(["accept", "correct", "reject"]);
export const ZReviewLabelRequest = z
  .object({
    decision: ZReviewDecision,
    comment: z.string().max(5000).optional(),
    correctedGroups: ZRankingGroups.optional(),
    correctedText: z.string().trim().min(1).max(IMPORT_MAX_TEXT).optional(),
    correctedChoice: ZPairwiseChoice.optional(),
  })
  .strict();
export type TReviewLabelRequest = z.infer<typeof ZReviewLabelRequest>;
export const ZReviewLabelResponse = z.object({
  id: z.string(),
  kind: ZKindParam,
  status: z.enum(["PENDING", "ACCEPTED", "REJECTED", "CORRECTED"]),
  reviewId: z.string(),
});
export type TReviewLabelResponse = z.infer<typeof ZReviewLabelResponse>;

// ---------------------------------------------------------------------------------------------
// Snapshots: POST /api/v1/projects/{id}/snapshots {name} -> {id, name, counts, hash} (reviewers, admins)
//            GET  /api/v1/projects/{id}/snapshots -> {items: [...]} (members)
//            GET  /api/v1/projects/{id}/snapshots/preview -> {reviewRequired, counts} (reviewers, admins):
//                 what freezing now would hold, before freezing.
// Only ACCEPTED and CORRECTED labels (corrected content replaces the labeler's) enter a snapshot. With
// the project's reviewRequired on, new labels are PENDING until a reviewer accepts or corrects them, so
// only reviewed labels get there; with it off they are ACCEPTED at once, and the counts say how many of
// a snapshot's labels a reviewer looked at (reviewed) and how many nobody did (unreviewed).
// ---------------------------------------------------------------------------------------------

export const ZCreateSnapshotRequest = z.object({
  name: z.string().trim().min(1, "must not be empty").max(120),
});
export type TCreateSnapshotRequest = z.infer<typeof ZCreateSnapshotRequest>;

export const ZSnapshotCounts = z.object({
  demonstrations: z.number().int(),
  rankings: z.number().int(),
  pairwise: z.number().int(),
  sft: z.number().int(),
  preferences: z.number().int(),
  prompts: z.number().int(),
  /** Labels in the snapshot a reviewer accepted or corrected (absent on snapshots frozen before these counts). */
  reviewed: z.number().int().optional(),
  /** Labels in the snapshot accepted on submission, never reviewed. */
  unreviewed: z.number().int().optional(),
  /** Labels waiting for review (PENDING), left out of the snapshot. */
  pendingReview: z.number().int().optional(),
});
export type TSnapshotCounts = z.infer<typeof ZSnapshotCounts>;

export const ZSnapshotSummary = z.object({
  id: z.string(),
  name: z.string(),
  counts: ZSnapshotCounts,
  hash: z.string(),
  createdAt: z.string(),
});
export type TSnapshotSummary = z.infer<typeof ZSnapshotSummary>;
export const ZListSnapshotsResponse = z.object({ items: z.array(ZSnapshotSummary) });
export type TListSnapshotsResponse = z.infer<typeof ZListSnapshotsResponse>;
export const ZSnapshotPreview = z.object({
  /** The project's review policy: new labels wait for a reviewer before they can enter a snapshot. */
  reviewRequired: z.boolean(),
  counts: ZSnapshotCounts.required(),
});
export type TSnapshotPreview = z.infer<typeof ZSnapshotPreview>;

/**
 * DatasetSnapshot.data, read directly by the training worker. All text fields are plain strings.
 * `prompt` is the prompt text; for multi-turn prompts it is the conversation rendered as
 * "<role>: <content>" paragraphs (blank line between turns), and `messages` holds the structured turns
 * (ending with the last user turn).
 *  - sft: one row per accepted demonstration (corrected text when a reviewer corrected it).
 *  - preferences: one row per (better, worse) pair. A K-way ranking task gives all its C(K,2) pairs
 *    except tied ones, sharing `group` (the task id). Several accepted rankings of one task are merged
 *    into one consensus ranking first (ranked pairs, lib/quality/consensus.ts). Pairwise labels give
 *    one pair (A or B); tie and both_bad give none. No margin column.
 *  - prompts: every prompt of the project (for RL), with its split.
 * Rows are sorted (by prompt id, then group/rank) so equal content gives an equal hash.
 */
export const ZSnapshotSftRow = z.object({
  prompt: z.string(),
  messages: z.array(ZChatMessage).optional(),
  completion: z.string(),
  split: ZSplitParam,
});
export const ZSnapshotPreferenceRow = z.object({
  prompt: z.string(),
  messages: z.array(ZChatMessage).optional(),
  chosen: z.string(),
  rejected: z.string(),
  group: z.string(),
  split: ZSplitParam,
});
export const ZSnapshotPromptRow = z.object({
  prompt: z.string(),
  messages: z.array(ZChatMessage).optional(),
  split: ZSplitParam,
});
export const ZSnapshotData = z.object({
  version: z.literal(1),
  sft: z.array(ZSnapshotSftRow),
  preferences: z.array(ZSnapshotPreferenceRow),
  prompts: z.array(ZSnapshotPromptRow),
});
export type TSnapshotData = z.infer<typeof ZSnapshotData>;
export type TSnapshotSftRow = z.infer<typeof ZSnapshotSftRow>;
export type TSnapshotPreferenceRow = z.infer<typeof ZSnapshotPreferenceRow>;
export type TSnapshotPromptRow = z.infer<typeof ZSnapshotPromptRow>;

// ---------------------------------------------------------------------------------------------
// Export: GET /api/v1/snapshots/{id}/export?format=sft|sft_messages|preference|prompts[&split=train|eval]
// JSONL (application/x-ndjson), streamed. Field names exactly as TRL / OpenRLHF read them:
//   sft           {"prompt", "completion"}
//   sft_messages  {"messages": [...prompt turns, {"role": "assistant", "content": completion}]}
//   preference    {"prompt", "chosen", "rejected", "group"}
//   prompts       {"prompt"}
// ---------------------------------------------------------------------------------------------

export const ZExportFormat = z.enum(["sft", "sft_messages", "preference", "prompts"]);
export type TExportFormat = z.infer<typeof ZExportFormat>;
export const ZExportQuery = z.object({ format: ZExportFormat, split: ZSplitParam.optional() });
export type TExportQuery = z.infer<typeof ZExportQuery>;

// ---------------------------------------------------------------------------------------------
// Feedback: GET /api/v1/projects/{id}/feedback?limit=20 -> the reviews of the caller's own labels in the
// project, newest first: decision, the reviewer's comment, which task and prompt, when.
// ---------------------------------------------------------------------------------------------

export const ZFeedbackQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });
export type TFeedbackQuery = z.infer<typeof ZFeedbackQuery>;
/** Prompts in feedback are cut to this many characters (the task itself has the whole text). */
export const FEEDBACK_PROMPT_CHARS = 300;
export const ZFeedbackItem = z.object({
  /** The review's id. */
  id: z.string(),
  decision: ZReviewDecision,
  comment: z.string().nullable(),
  reviewedAt: z.string(),
  taskId: z.string(),
  /** The prompt's first FEEDBACK_PROMPT_CHARS characters. */
  prompt: z.string(),
  label: z.object({ kind: ZKindParam, id: z.string(), status: z.enum(["PENDING", "ACCEPTED", "REJECTED", "CORRECTED"]), createdAt: z.string() }),
});
export type TFeedbackItem = z.infer<typeof ZFeedbackItem>;
export const ZFeedbackResponse = z.object({ items: z.array(ZFeedbackItem) });
export type TFeedbackResponse = z.infer<typeof ZFeedbackResponse>;
