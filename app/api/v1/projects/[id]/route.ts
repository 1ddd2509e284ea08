import { withUser } from "@/lib/api";
import { ZUpdateProjectRequest } from "@/lib/schemas/projects";
import { getProject } from "@/lib/server/projects/get-project";
import { updateProject } from "@/lib/server/projects/update-project";

// GET /api/v1/projects/{id}: members and admins
export const GET = withUser(async ({ user, params }) => getProject({ user, projectId: params.id }));

// PATCH /api/v1/projects/{id}[?dryRun=true] {name?, guidelines?, responsesPerTask?, labelsPerItem?, taskKinds?, flags?,
// leaseMinutes?, reviewRequired?} -> {project, impact: {messages, closedTasks, keptTasks}, saved} (admin).
// dryRun says what the change would do to open tasks without saving it.
export const PATCH = withUser(
  async ({ user, params, body, searchParams }) =>
    updateProject({ user, projectId: params.id, request: body, dryRun: searchParams.get("dryRun") === "true" }),
  { role: "ADMIN", body: ZUpdateProjectRequest },
);
