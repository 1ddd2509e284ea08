import { withUser } from "@/lib/api";

// GET /api/v1/me
export const GET = withUser(async ({ user }) => user);
