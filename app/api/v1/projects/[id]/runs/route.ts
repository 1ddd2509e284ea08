import { withUser } from "@/lib/api";
import { requireProjectAccess } from "@/lib/permissions";
import { ZCreateRunRequest } from "@/lib/schemas/training";
import { createRun } from "@/lib/server/runs/create-run";
import { listRuns } from "@/lib/server/runs/list-runs";

// GET /api/v1/projects/{id}/runs: the project's training rounds (reviewers and admins)
export const GET = withUser(async ({ user, params }) => listRuns({ user, projectId: params.id }));

// POST /api/v1/projects/{id}/runs {stages, preset?, config?, snapshotId?, freezeLabels?, fromVersionId?} -> {id} (admin)
export const POST = withUser(
  async ({ user, params, body }) => {
    await requireProjectAccess(user, params.id, "manage");
    const run = await createRun({ projectId: params.id, createdById: user.id, request: body });
    return { id: run.id, snapshotId: run.snapshotId };
  },
  { role: "ADMIN", body: ZCreateRunRequest, status: 201 },
);
