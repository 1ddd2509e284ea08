import { withUser } from "@/lib/api";
import { ZFeedbackQuery } from "@/lib/schemas/labeling";
import { listMyFeedback } from "@/lib/server/labeling/list-my-feedback";

// GET /api/v1/projects/{id}/feedback?limit=20 -> {items: [...]} reviews of the caller's own labels in the project, newest first (members)
export const GET = withUser(async ({ user, params, searchParams }) => {
  const { limit } = ZFeedbackQuery.parse({ limit: searchParams.get("limit") ?? undefined });
  return listMyFeedback({ user, projectId: params.id, limit });
});
