import { withUser } from "@/lib/api";
import { cancelRun } from "@/lib/server/runs/cancel-run";

// POST /api/v1/runs/{id}/cancel (admin)
export const POST = withUser(async ({ user, params }) => cancelRun({ user, runId: params.id }), { role: "ADMIN" });
