import { withUser } from "@/lib/api";
import { getProject } from "@/lib/server/projects/get-project";

// GET /api/v1/projects/{id}: members and admins
export const GET = withUser(async ({ user, params }) => getProject({ user, projectId: params.id }));
