import { withUser } from "@/lib/api";
import { getNextComparisonItem } from "@/lib/server/comparisons/get-next-comparison-item";

// GET /api/v1/comparisons/{id}/next: an item for the reviewer (left/right in random order, versions hidden); 204 when done
export const GET = withUser(async ({ user, params }) => (await getNextComparisonItem({ user, comparisonId: params.id })) ?? new Response(null, { status: 204 }));
