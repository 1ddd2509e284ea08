import { withUser } from "@/lib/api";
import { ZVoteRequest } from "@/lib/schemas/training";
import { voteComparisonItem } from "@/lib/server/comparisons/vote-comparison-item";

// POST /api/v1/comparison-items/{id}/vote {choice: "left"|"right"|"tie"|"both_bad"} (reviewers and admins)
export const POST = withUser(async ({ user, params, body }) => voteComparisonItem({ user, itemId: params.id, choice: body.choice }), { body: ZVoteRequest, status: 201 });
