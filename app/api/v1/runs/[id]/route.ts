import { withUser } from "@/lib/api";
import { getRun } from "@/lib/server/runs/get-run";

// GET /api/v1/runs/{id}: status and per-stage progress, model versions and final metrics
export const GET = withUser(async ({ user, params }) => getRun({ user, runId: params.id }));
