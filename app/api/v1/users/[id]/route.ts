import { withUser } from "@/lib/api";
import { ZUpdateUserRequest } from "@/lib/schemas/accounts";
import { updateUser } from "@/lib/server/users/update-user";

// PATCH /api/v1/users/{id} {role?, active?, name?} (admin)
export const PATCH = withUser(
  async ({ user, params, body }) => updateUser({ actorId: user.id, userId: params.id, changes: body }),
  { role: "ADMIN", body: ZUpdateUserRequest },
);
