import { withUser } from "@/lib/api";
import { getSessionId } from "@/lib/auth";
import { ZChangePasswordRequest } from "@/lib/schemas/accounts";
import { requestClientAddress } from "@/lib/server/auth/client-address";
import { changePassword } from "@/lib/server/users/change-password";

// POST /api/v1/me/password {currentPassword, newPassword}: ends the caller's other browser sessions
export const POST = withUser(
  async ({ req, user, body }) =>
    changePassword({
      userId: user.id,
      // A bearer-token call has no browser session of its own to keep.
      currentSessionId: req.headers.has("authorization") ? null : await getSessionId(),
      ip: requestClientAddress(Object.fromEntries(req.headers)),
      request: body,
    }),
  { body: ZChangePasswordRequest },
);
