import { withUser } from "@/lib/api";
import { ZCreateUserRequest } from "@/lib/schemas/accounts";
import { createUser } from "@/lib/server/users/create-user";
import { listUsers } from "@/lib/server/users/list-users";

// GET /api/v1/users (admin)
export const GET = withUser(async () => listUsers(), { role: "ADMIN" });

// POST /api/v1/users {email, password, role, name?} (admin)
export const POST = withUser(async ({ body }) => createUser(body), { role: "ADMIN", body: ZCreateUserRequest, status: 201 });
