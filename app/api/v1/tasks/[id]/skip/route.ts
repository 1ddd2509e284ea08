import { withUser } from "@/lib/api";
import { ZSkipTaskRequest } from "@/lib/schemas/labeling";
import { skipTask } from "@/lib/server/labeling/skip-task";

// POST /api/v1/tasks/{id}/skip {reason} -> {taskId, skipped: true} (the labeler holding the lease)
export const POST = withUser(async ({ user, params, body }) => skipTask({ user, taskId: params.id, reason: body?.reason ?? "" }), {
  body: ZSkipTaskRequest.optional(),
});
