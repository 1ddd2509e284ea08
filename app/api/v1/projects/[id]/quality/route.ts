import { withUser } from "@/lib/api";
import { getProjectQuality } from "@/lib/server/quality/get-project-quality";

// GET /api/v1/projects/{id}/quality -> {project: {count, labelers, medianTimeMs, agreement, goldAccuracy}, labelers: [...]} (reviewers, admins)
export const GET = withUser(async ({ user, params }) => getProjectQuality({ user, projectId: params.id }));
