import { withUser } from "@/lib/api";
import { ZSubmitTaskRequest } from "@/lib/schemas/labeling";
import { submitTask } from "@/lib/server/labeling/submit-task";

// POST /api/v1/tasks/{id}/submit {ranking | text | choice+strength, flags?, score?, rationale?, allBad?, timeSpentMs?}
// -> {taskId, kind, labelId, taskStatus, labelsDone, labelsNeeded, undoUntil} (the labeler holding the lease)
export const POST = withUser(async ({ user, params, body }) => submitTask({ user, taskId: params.id, request: body }), {
  body: ZSubmitTaskRequest,
});
