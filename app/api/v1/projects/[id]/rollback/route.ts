import { withUser } from "@/lib/api";
import { rollbackProduction } from "@/lib/server/models/rollback-production";

// POST /api/v1/projects/{id}/rollback: the previous production version back (admin)
export const POST = withUser(async ({ user, params }) => rollbackProduction({ user, projectId: params.id }), { role: "ADMIN" });
