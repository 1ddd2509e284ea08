import { withUser } from "@/lib/api";
import { requireProjectAccess } from "@/lib/permissions";
import { ZAddMemberRequest } from "@/lib/schemas/accounts";
import { addProjectMember } from "@/lib/server/projects/add-project-member";
import { listProjectMembers } from "@/lib/server/projects/list-project-members";

// GET /api/v1/projects/{id}/members: reviewers and admins of the project
export const GET = withUser(async ({ user, params }) => {
  await requireProjectAccess(user, params.id, "review");
  return listProjectMembers({ projectId: params.id });
});

// POST /api/v1/projects/{id}/members {email | userId, role} (admin)
export const POST = withUser(
  async ({ params, body }) => addProjectMember({ projectId: params.id, userId: body.userId, email: body.email, role: body.role }),
  { role: "ADMIN", body: ZAddMemberRequest, status: 201 },
);
