import { withUser } from "@/lib/api";
import { ZCreateSnapshotRequest } from "@/lib/schemas/labeling";
import { createSnapshot } from "@/lib/server/snapshots/create-snapshot";
import { listSnapshots } from "@/lib/server/snapshots/list-snapshots";

// GET /api/v1/projects/{id}/snapshots -> {items: [{id, name, counts, hash, createdAt}]} (members)
export const GET = withUser(async ({ user, params }) => listSnapshots({ user, projectId: params.id }));

// POST /api/v1/projects/{id}/snapshots {name} -> {id, name, counts, hash, createdAt} (reviewers, admins)
export const POST = withUser(async ({ user, params, body }) => createSnapshot({ user, projectId: params.id, name: body.name }), {
  body: ZCreateSnapshotRequest,
  status: 201,
});
