import { withUser } from "@/lib/api";
import { previewSnapshot } from "@/lib/server/snapshots/preview-snapshot";

// GET /api/v1/projects/{id}/snapshots/preview -> {reviewRequired, counts} (reviewers, admins): what
// freezing a snapshot now would hold, with how many of its labels are reviewed and unreviewed.
export const GET = withUser(async ({ user, params }) => previewSnapshot({ user, projectId: params.id }));
