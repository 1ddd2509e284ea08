import { withUser } from "@/lib/api";
import { undoSubmission } from "@/lib/server/labeling/undo-submission";

// POST /api/v1/tasks/{id}/undo -> {taskId, assignmentId, leaseExpiresAt} (the caller's last submission, within 5 minutes)
export const POST = withUser(async ({ user, params }) => undoSubmission({ user, taskId: params.id }));
