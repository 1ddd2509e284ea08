import { withUser } from "@/lib/api";
import { getModel } from "@/lib/server/models/get-model";

// GET /api/v1/models/{id}: a version with its config, metrics, evaluation, reviews and lineage ids
export const GET = withUser(async ({ user, params }) => getModel({ user, versionId: params.id }));
