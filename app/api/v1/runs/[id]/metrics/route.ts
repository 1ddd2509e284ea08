import { withUser } from "@/lib/api";
import { ZMetricsQuery } from "@/lib/schemas/training";
import { listRunMetrics } from "@/lib/server/runs/list-run-metrics";

// GET /api/v1/runs/{id}/metrics?after=<id>&limit=: metric rows after the cursor, for live charts
export const GET = withUser(async ({ user, params, searchParams }) => {
  const q = ZMetricsQuery.parse(Object.fromEntries(searchParams));
  return listRunMetrics({ user, runId: params.id, after: q.after, limit: q.limit });
});
