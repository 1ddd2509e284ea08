import { withUser } from "@/lib/api";
import { ZReviewQueueQuery } from "@/lib/schemas/labeling";
import { getReviewQueue } from "@/lib/server/quality/get-review-queue";

// GET /api/v1/projects/{id}/review-queue?limit=50 -> {items: [...]} failed gold, low agreement, then the rest (reviewers, admins)
export const GET = withUser(async ({ user, params, searchParams }) => {
  const { limit } = ZReviewQueueQuery.parse({ limit: searchParams.get("limit") ?? undefined });
  return getReviewQueue({ user, projectId: params.id, limit });
});
