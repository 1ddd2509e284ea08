import { withUser } from "@/lib/api";
import { getSessionId } from "@/lib/auth";
import { listAuthSessions } from "@/lib/server/auth/list-auth-sessions";

// GET /api/v1/me/sessions: the caller's open browser sessions (address and browser they signed in from)
export const GET = withUser(async ({ req, user }) =>
  listAuthSessions({ userId: user.id, currentSessionId: req.headers.has("authorization") ? null : await getSessionId() }),
);
