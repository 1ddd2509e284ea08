import { withUser } from "@/lib/api";
import { ZMetricsQuery } from "@/lib/schemas/training";
import { listRunLogs } from "@/lib/server/runs/list-run-logs";

// GET /api/v1/runs/{id}/logs?after=<id>: log lines after the cursor
export const GET = withUser(async ({ user, params, searchParams }) => {
  const q = ZMetricsQuery.parse(Object.fromEntries(searchParams));
  return listRunLogs({ user, runId: params.id, after: q.after, limit: q.limit });
});
