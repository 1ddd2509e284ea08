import { withUser } from "@/lib/api";
import { ZCreateProjectRequest } from "@/lib/schemas/projects";
import { createProject } from "@/lib/server/projects/create-project";
import { listProjects } from "@/lib/server/projects/list-projects";

// GET /api/v1/projects: the projects the caller may see
export const GET = withUser(async ({ user }) => listProjects({ user }));

// POST /api/v1/projects {name, guidelines?, responsesPerTask?, labelsPerItem?, taskKinds?, flags?, leaseMinutes?, reviewRequired?} -> {id, name} (admin)
export const POST = withUser(async ({ user, body }) => createProject({ createdById: user.id, request: body }), {
  role: "ADMIN",
  body: ZCreateProjectRequest,
  status: 201,
});
