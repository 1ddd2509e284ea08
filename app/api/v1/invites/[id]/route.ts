import { withUser } from "@/lib/api";
import { revokeInvite } from "@/lib/server/invites/revoke-invite";

// DELETE /api/v1/invites/{id} (admin)
export const DELETE = withUser(async ({ params }) => revokeInvite({ inviteId: params.id }), { role: "ADMIN" });
