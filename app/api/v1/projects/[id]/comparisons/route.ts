import { withUser } from "@/lib/api";
import { ZCreateComparisonRequest } from "@/lib/schemas/training";
import { createComparison } from "@/lib/server/comparisons/create-comparison";
import { listComparisons } from "@/lib/server/comparisons/list-comparisons";

// GET /api/v1/projects/{id}/comparisons (reviewers and admins)
export const GET = withUser(async ({ user, params }) => listComparisons({ user, projectId: params.id }));

// POST /api/v1/projects/{id}/comparisons {versionAId, versionBId, promptIds? | promptTexts? | split? (EVAL|TRAIN|ALL) + count?, maxTokens?}
// -> {id, status, prompts, jobId} (reviewers and admins)
export const POST = withUser(async ({ user, params, body }) => createComparison({ user, projectId: params.id, request: body }), {
  body: ZCreateComparisonRequest,
  status: 201,
});
