import { withUser } from "@/lib/api";
import { removeProjectMember } from "@/lib/server/projects/remove-project-member";

// DELETE /api/v1/projects/{id}/members/{userId} (admin)
export const DELETE = withUser(async ({ params }) => removeProjectMember({ projectId: params.id, userId: params.userId }), {
  role: "ADMIN",
});
