import { withUser } from "@/lib/api";
import { ZSaveDraftRequest } from "@/lib/schemas/labeling";
import { getTaskDraft } from "@/lib/server/labeling/get-task-draft";
import { saveTaskDraft } from "@/lib/server/labeling/save-task-draft";

// GET /api/v1/tasks/{id}/draft -> {taskId, data, updatedAt} or 204 (members of the task's project)
export const GET = withUser(async ({ user, params }) => getTaskDraft({ user, taskId: params.id }));

// PUT /api/v1/tasks/{id}/draft {data} -> {taskId, updatedAt} (the labeler holding the lease)
export const PUT = withUser(async ({ user, params, body }) => saveTaskDraft({ user, taskId: params.id, data: body.data }), {
  body: ZSaveDraftRequest,
});
