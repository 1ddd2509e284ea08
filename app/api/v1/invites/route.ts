import { withUser } from "@/lib/api";
import { ZCreateInviteRequest } from "@/lib/schemas/accounts";
import { createInvite } from "@/lib/server/invites/create-invite";
import { listInvites } from "@/lib/server/invites/list-invites";

// GET /api/v1/invites (admin)
export const GET = withUser(async () => listInvites(), { role: "ADMIN" });

// POST /api/v1/invites {email, role, projectId?, expiresInDays?} (admin): returns the one-time link
export const POST = withUser(
  async ({ req, user, body }) => {
    const invite = await createInvite({ createdById: user.id, request: body });
    return { ...invite, url: new URL(invite.path, req.url).toString() };
  },
  { role: "ADMIN", body: ZCreateInviteRequest, status: 201 },
);
