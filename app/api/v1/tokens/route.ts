import { withUser } from "@/lib/api";
import { ZCreateTokenRequest } from "@/lib/schemas/accounts";
import { createApiToken } from "@/lib/server/tokens/create-api-token";
import { listApiTokens } from "@/lib/server/tokens/list-api-tokens";

// GET /api/v1/tokens: the caller's tokens (never the secrets)
export const GET = withUser(async ({ user }) => listApiTokens({ userId: user.id }));

// POST /api/v1/tokens {name}: a new token, shown once
export const POST = withUser(async ({ user, body }) => createApiToken({ userId: user.id, name: body.name }), {
  body: ZCreateTokenRequest,
  status: 201,
});
