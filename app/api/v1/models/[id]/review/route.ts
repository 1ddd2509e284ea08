import { withUser } from "@/lib/api";
import { ZReviewModelRequest } from "@/lib/schemas/training";
import { reviewModel } from "@/lib/server/models/review-model";

// POST /api/v1/models/{id}/review {decision: "approve"|"reject", comment} (reviewers of the project)
export const POST = withUser(async ({ user, params, body }) => reviewModel({ user, versionId: params.id, request: body }), { body: ZReviewModelRequest });
