import { z, type ZodType } from "zod";
import * as accounts from "@/lib/schemas/accounts";
import * as labeling from "@/lib/schemas/labeling";
import * as projects from "@/lib/schemas/projects";
import * as training from "@/lib/schemas/training";
import { ZGenerateStreamRequest } from "@/lib/server/models/generate-stream-protocol";

// The OpenAPI 3.1 document of /api/v1, served at GET /api/v1/openapi.json. Paths are listed here by
// hand; request and response bodies are generated from the same zod schemas the handlers validate with
// (z.toJSONSchema), so the document cannot drift from the validation.

type Op = {
  summary: string;
  /** Who may call it. */
  access: string;
  body?: ZodType;
  /** Raw (non-JSON) request body, e.g. an import file. */
  rawBody?: string;
  response?: ZodType;
  /** Content type of a non-JSON response. */
  responseType?: string;
  status?: number;
  query?: Record<string, string>;
};

const id = (name = "id") => ({ name, in: "path", required: true, schema: { type: "string" } });

function schema(s: ZodType, io: "input" | "output") {
  try {
    const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: "any" }) as Record<string, unknown>;
    void _drop;
    return rest;
  } catch {
    return {};
  }
}

const ops: Record<string, Partial<Record<"get" | "post" | "put" | "patch" | "delete", Op>>> = {
  "/api/v1/me": { get: { summary: "The caller", access: "any signed-in user" } },
  "/api/v1/me/password": { post: { summary: "Change your password (ends your other browser sessions)", access: "any signed-in user, with the current password", body: accounts.ZChangePasswordRequest } },
  "/api/v1/me/sessions": { get: { summary: "Your open browser sessions (when and where they signed in)", access: "any signed-in user" } },
  "/api/v1/tokens": {
    get: { summary: "The caller's API tokens", access: "any signed-in user" },
    post: { summary: "Create a personal API token (shown once)", access: "any signed-in user", body: accounts.ZCreateTokenRequest, status: 201 },
  },
  "/api/v1/tokens/{id}": { delete: { summary: "Revoke a token", access: "its owner" } },
  "/api/v1/users": {
    get: { summary: "Users", access: "admin" },
    post: { summary: "Create a user", access: "admin", body: accounts.ZCreateUserRequest, status: 201 },
  },
  "/api/v1/users/{id}": { patch: { summary: "Change role, name, or deactivate", access: "admin", body: accounts.ZUpdateUserRequest } },
  "/api/v1/users/{id}/password-reset": { post: { summary: "A one-time password reset link (24 h), shown once", access: "admin" } },
  "/api/v1/password-resets/accept": { post: { summary: "Set a new password with a reset link (ends the user's sessions)", access: "anyone with the reset token", body: accounts.ZResetPasswordRequest } },
  "/api/v1/invites": {
    get: { summary: "Pending invites", access: "admin" },
    post: { summary: "Invite someone by email", access: "admin", body: accounts.ZCreateInviteRequest, status: 201 },
  },
  "/api/v1/invites/{id}": { delete: { summary: "Revoke an invite", access: "admin" } },
  "/api/v1/invites/accept": { post: { summary: "Accept an invite", access: "anyone with the invite token", body: accounts.ZAcceptInviteRequest } },
  "/api/v1/projects": {
    get: { summary: "Projects the caller belongs to", access: "any signed-in user" },
    post: { summary: "Create a project", access: "admin", body: projects.ZCreateProjectRequest, status: 201 },
  },
  "/api/v1/projects/{id}": {
    get: { summary: "A project", access: "members" },
    patch: { summary: "Change project settings; says what happens to open tasks (dryRun=true: only says)", access: "admin", body: projects.ZUpdateProjectRequest, query: { dryRun: "true: report the impact, save nothing" } },
  },
  "/api/v1/projects/{id}/members": {
    get: { summary: "Members", access: "reviewers and admins" },
    post: { summary: "Add a member", access: "admin", body: accounts.ZAddMemberRequest, status: 201 },
  },
  "/api/v1/projects/{id}/members/{userId}": { delete: { summary: "Remove a member", access: "admin" } },
  "/api/v1/projects/{id}/import": {
    post: { summary: "Import prompts (JSONL or CSV)", access: "admin", rawBody: "application/x-ndjson", query: { mode: "partial | all_or_nothing", format: "jsonl | csv" }, response: labeling.ZImportResponse },
  },
  "/api/v1/projects/{id}/tasks/next": { get: { summary: "Lease the next task (204 when none)", access: "members", query: { kind: "ranking | demonstration | pairwise" }, response: labeling.ZNextTaskResponse } },
  "/api/v1/projects/{id}/feedback": { get: { summary: "Reviews of the caller's own labels in the project (decision, comment, task, prompt), newest first", access: "members (their own labels only)", query: { limit: "1-100, default 20" }, response: labeling.ZFeedbackResponse } },
  "/api/v1/tasks/{id}/submit": { post: { summary: "Submit a label (a ranking says orderAction: moved or confirmed)", access: "the labeler holding the lease", body: labeling.ZSubmitTaskRequest, response: labeling.ZSubmitTaskResponse } },
  "/api/v1/tasks/{id}/skip": { post: { summary: "Give a leased task back with a reason (never offered to the caller again)", access: "the labeler holding the lease", body: labeling.ZSkipTaskRequest, response: labeling.ZSkipTaskResponse } },
  "/api/v1/tasks/{id}/undo": { post: { summary: "Take back the caller's last submission (within 5 minutes, not yet reviewed); 409 when there is none", access: "the labeler who submitted", response: labeling.ZUndoResponse } },
  "/api/v1/tasks/{id}/draft": {
    get: { summary: "The caller's saved work in progress on a task (204 when none)", access: "members of the task's project", response: labeling.ZDraftResponse },
    put: { summary: "Save work in progress (at most 100 kB of JSON)", access: "the labeler holding the lease", body: labeling.ZSaveDraftRequest },
  },
  "/api/v1/projects/{id}/snapshots": {
    get: { summary: "Snapshots", access: "members", response: labeling.ZListSnapshotsResponse },
    post: { summary: "Freeze accepted labels into a snapshot", access: "reviewers and admins", body: labeling.ZCreateSnapshotRequest, response: labeling.ZSnapshotSummary, status: 201 },
  },
  "/api/v1/projects/{id}/snapshots/preview": { get: { summary: "What freezing a snapshot now would hold: counts, reviewed and unreviewed labels, labels waiting for review", access: "reviewers and admins", response: labeling.ZSnapshotPreview } },
  "/api/v1/projects/{id}/quality": { get: { summary: "Labeling quality: agreement, gold accuracy and time per labeler", access: "reviewers and admins", response: labeling.ZProjectQualityResponse } },
  "/api/v1/projects/{id}/review-queue": { get: { summary: "Labels to review: failed gold first, then low agreement, then the rest", access: "reviewers and admins", query: { limit: "1..500 (default 50)" }, response: labeling.ZReviewQueueResponse } },
  "/api/v1/labels/{kind}/{id}/review": {
    post: { summary: "Accept, correct or reject a label (kind: ranking | pairwise | demonstration); 409 when that decision is already applied", access: "reviewers of the label's project (not their own label) and admins", body: labeling.ZReviewLabelRequest, response: labeling.ZReviewLabelResponse },
  },
  "/api/v1/snapshots/{id}/export": { get: { summary: "Export a snapshot as JSONL (TRL / OpenRLHF fields)", access: "reviewers and admins", query: { format: "sft | sft_messages | preference | prompts", split: "train | eval" }, responseType: "application/x-ndjson" } },

  "/api/v1/projects/{id}/runs": {
    get: { summary: "Training rounds of the project", access: "reviewers and admins" },
    post: { summary: "Launch a training round; config keys are checked against each stage's hyperparameter schema (lib/schemas/hyperparameters.ts), 422 naming the key and the stage", access: "admin", body: training.ZCreateRunRequest, response: training.ZCreateRunResponse, status: 201 },
  },
  "/api/v1/runs/{id}": { get: { summary: "A round with per-stage progress", access: "reviewers and admins", response: training.ZRunView } },
  "/api/v1/runs/{id}/cancel": { post: { summary: "Cancel a round", access: "admin" } },
  "/api/v1/runs/{id}/metrics": { get: { summary: "Metric rows after a cursor (live charts)", access: "reviewers and admins", query: { after: "StageMetric id", limit: "rows" }, response: training.ZMetricsResponse } },
  "/api/v1/runs/{id}/logs": { get: { summary: "Log lines after a cursor", access: "reviewers and admins", query: { after: "RunLog id" }, response: training.ZLogsResponse } },
  "/api/v1/projects/{id}/models": { get: { summary: "Model versions (registry)", access: "reviewers and admins", response: z.array(training.ZModelSummary) } },
  "/api/v1/models/{id}": { get: { summary: "A model version", access: "reviewers and admins", response: training.ZModelDetail } },
  "/api/v1/models/{id}/download": { get: { summary: "The model files as one tar (safetensors, config.json, tokenizer.json)", access: "reviewers and admins", responseType: "application/x-tar" } },
  "/api/v1/models/{id}/generate": { post: { summary: "Answer prompts with a version (runs in the worker)", access: "reviewers and admins", body: training.ZGenerateRequest, response: training.ZGenerateResponse } },
  "/api/v1/models/{id}/generate/stream": {
    post: {
      summary: "Chat with a version; the answer streams as Server-Sent Events (token: text so far, then done or error)",
      access: "reviewers and admins",
      body: ZGenerateStreamRequest,
      responseType: "text/event-stream",
    },
  },
  "/api/v1/models/{id}/review": { post: { summary: "Approve or reject a version", access: "reviewers of the project", body: training.ZReviewModelRequest } },
  "/api/v1/models/{id}/promote": { post: { summary: "Promote an approved policy to production", access: "admin" } },
  "/api/v1/projects/{id}/rollback": { post: { summary: "Put the previous production version back", access: "admin" } },
  "/api/v1/projects/{id}/candidates": {
    post: { summary: "Model answers for prompts without a ranking task become ranking tasks", access: "admin", body: training.ZCandidatesRequest, response: training.ZJobResponse, status: 202 },
    get: { summary: "State of a candidates job", access: "admin", query: { jobId: "the job id" } },
  },
  "/api/v1/projects/{id}/comparisons": {
    get: { summary: "Blind comparisons", access: "reviewers and admins" },
    post: { summary: "Start a blind A/B comparison of two versions on chosen prompts (a split and a count, or a list of ids or texts)", access: "reviewers and admins", body: training.ZCreateComparisonRequest, response: training.ZCreateComparisonResponse, status: 201 },
  },
  "/api/v1/comparisons/{id}/next": { get: { summary: "An item to vote on (204 when done)", access: "reviewers and admins", response: training.ZComparisonItemView } },
  "/api/v1/comparison-items/{id}/vote": { post: { summary: "Vote left, right, tie or both bad", access: "reviewers and admins", body: training.ZVoteRequest, status: 201 } },
  "/api/v1/projects/{id}/leaderboard": { get: { summary: "Win rates (Wilson 95% CI) and Bradley-Terry ratings", access: "reviewers and admins", response: training.ZLeaderboardResponse } },
  "/api/v1/projects/{id}/schedule": {
    get: { summary: "Periodic training settings", access: "reviewers and admins", response: training.ZScheduleView },
    put: { summary: "Set periodic training (cron and/or new-label count)", access: "admin", body: training.ZScheduleRequest, response: training.ZScheduleView },
  },
};

const errorSchema = { type: "object", properties: { error: { type: "string" }, code: { type: "string" }, issues: { type: "array", items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } } } } };

export function openApiDocument(serverUrl?: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [p, methods] of Object.entries(ops)) {
    const params = [...p.matchAll(/\{(\w+)\}/g)].map((m) => id(m[1]));
    paths[p] = {};
    for (const [method, op] of Object.entries(methods)) {
      const status = String(op!.status ?? 200);
      const responses: Record<string, unknown> = {
        [status]: {
          description: "Success",
          ...(op!.response ? { content: { "application/json": { schema: schema(op!.response, "output") } } } : op!.responseType ? { content: { [op!.responseType]: {} } } : {}),
        },
        "401": { description: "Not signed in, or an unknown / revoked token", content: { "application/json": { schema: errorSchema } } },
        "403": { description: "Signed in without the needed role, or a cookie-authenticated write from another origin or with a non-JSON body", content: { "application/json": { schema: errorSchema } } },
        "404": { description: "Not found, or not a member of the project", content: { "application/json": { schema: errorSchema } } },
        ...(op!.body || op!.rawBody ? { "422": { description: "Invalid input, every issue listed", content: { "application/json": { schema: errorSchema } } } } : {}),
        ...(op!.body || op!.rawBody ? { "413": { description: "Body over the route's size limit (1 MiB; IMPORT_MAX_BYTES for imports)", content: { "application/json": { schema: errorSchema } } } } : {}),
      };
      paths[p][method] = {
        summary: op!.summary,
        description: `Access: ${op!.access}.`,
        parameters: [...params, ...Object.entries(op!.query ?? {}).map(([name, description]) => ({ name, in: "query", required: false, description, schema: { type: "string" } }))],
        ...(op!.body ? { requestBody: { required: true, content: { "application/json": { schema: schema(op!.body, "input") } } } } : {}),
        ...(op!.rawBody ? { requestBody: { required: true, content: { [op!.rawBody]: { schema: { type: "string" } }, "text/csv": { schema: { type: "string" } }, "multipart/form-data": { schema: { type: "object", properties: { file: { type: "string", format: "binary" } } } } } } } : {}),
        responses,
      };
    }
  }
  return {
    openapi: "3.1.0",
    info: { title: "RLHF Studio API", version: "1", description: "Label, train (pretrain, SFT, RM, PPO, DPO) and review in one loop. Authenticate with a session cookie or `Authorization: Bearer <personal API token>`." },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "A personal API token (rlhf_...)" },
        session: { type: "apiKey", in: "cookie", name: "next-auth.session-token" },
      },
    },
    paths,
  };
}
