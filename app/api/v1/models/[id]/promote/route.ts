import { withUser } from "@/lib/api";
import { promoteModel } from "@/lib/server/models/promote-model";

// POST /api/v1/models/{id}/promote: an approved policy becomes the project's production version (admin)
export const POST = withUser(async ({ user, params }) => promoteModel({ user, versionId: params.id }), { role: "ADMIN" });
