import { withUser } from "@/lib/api";
import { kindFromParam, ZNextTaskQuery } from "@/lib/schemas/labeling";
import { claimNextTask } from "@/lib/server/labeling/claim-next-task";

// GET /api/v1/projects/{id}/tasks/next?kind=ranking|demonstration|pairwise
// -> {id, kind, prompt, messages?, responses: [{id, text}], guidelines?, leaseExpiresAt, flags, ...} or 204 (members)
export const GET = withUser(async ({ user, params, searchParams }) => {
  const query = ZNextTaskQuery.parse({ kind: searchParams.get("kind")?.toLowerCase() || undefined });
  const task = await claimNextTask({ user, projectId: params.id, kind: query.kind ? kindFromParam(query.kind) : undefined });
  return task ?? undefined;
});
