import { withUser } from "@/lib/api";
import { listModels } from "@/lib/server/models/list-models";

// GET /api/v1/projects/{id}/models -> [{id, kind, name, parentId, status, metrics, ...}] (reviewers and admins)
export const GET = withUser(async ({ user, params }) => listModels({ user, projectId: params.id }));
