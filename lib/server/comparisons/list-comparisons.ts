import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { requireProjectAccess } from "@/lib/permissions";
import type { TComparisonSummary } from "@/lib/schemas/training";

export async function listComparisons(options: { user: TSessionUser; projectId: string }): Promise<{ items: TComparisonSummary[] }> {
  await requireProjectAccess(options.user, options.projectId, "review");
  const rows = await db.comparison.findMany({
    where: { projectId: options.projectId },
    orderBy: { createdAt: "desc" },
    select: {
      id: true, status: true, createdAt: true,
      versionA: { select: { id: true, name: true } },
      versionB: { select: { id: true, name: true } },
      _count: { select: { items: true } },
      items: { select: { _count: { select: { votes: true } } } },
    },
  });
  return {
    items: rows.map((c) => ({
      id: c.id, status: c.status, versionA: c.versionA, versionB: c.versionB, items: c._count.items,
      votes: c.items.reduce((a, i) => a + i._count.votes, 0), createdAt: c.createdAt.toISOString(),
    })),
  };
}
