import { withUser } from "@/lib/api";
import { ZKindParam, ZReviewLabelRequest } from "@/lib/schemas/labeling";
import { reviewLabel } from "@/lib/server/quality/review-label";

// POST /api/v1/labels/{ranking|pairwise|demonstration}/{id}/review {decision, comment?, correctedGroups? | correctedText? | correctedChoice?}
// -> {id, kind, status, reviewId} (reviewers of the project, admins)
export const POST = withUser(
  async ({ user, params, body }) => reviewLabel({ user, kind: ZKindParam.parse(params.kind), labelId: params.id, request: body }),
  { body: ZReviewLabelRequest },
);
