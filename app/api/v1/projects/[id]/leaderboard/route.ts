import { withUser } from "@/lib/api";
import { getLeaderboard } from "@/lib/server/comparisons/get-leaderboard";

// GET /api/v1/projects/{id}/leaderboard: win rates with Wilson 95% intervals and Bradley-Terry ratings (reviewers and admins)
export const GET = withUser(async ({ user, params }) => getLeaderboard({ user, projectId: params.id }));
