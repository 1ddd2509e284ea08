import { withUser, ZId } from "@/lib/api";
import { createPasswordReset } from "@/lib/server/users/create-password-reset";

// POST /api/v1/users/{id}/password-reset (admin): a one-time link (24 h) to set a new password, shown once
export const POST = withUser(
  async ({ req, user, params }) => {
    const reset = await createPasswordReset({ createdById: user.id, userId: ZId.parse(params.id) });
    return { id: reset.id, email: reset.email, expiresAt: reset.expiresAt, url: new URL(reset.path, req.url).toString() };
  },
  { role: "ADMIN", status: 201 },
);
