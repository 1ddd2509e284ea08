import { withUser } from "@/lib/api";
import { revokeApiToken } from "@/lib/server/tokens/revoke-api-token";

// DELETE /api/v1/tokens/{id}: revoke
export const DELETE = withUser(async ({ user, params }) =>
  revokeApiToken({ tokenId: params.id, userId: user.id, isAdmin: user.role === "ADMIN" }),
);
