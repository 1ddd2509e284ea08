import "server-only";
import { db } from "@/lib/db";
import { pairwiseGroups, type TComparableLabel } from "@/lib/quality/signals";
import { restrictGroups, type TGroups } from "@/lib/quality/ranks";

// Every ranking and pairwise label of a project in one comparable shape (groups over response ids,
// as the labeler gave them), demonstrations, and the gold ranking of each gold task.

export async function loadProjectLabels(options: { projectId: string }) {
  const taskWhere = { task: { projectId: options.projectId } };
  const [rankings, pairwise, demonstrations, goldTasks] = await Promise.all([
    db.ranking.findMany({
      where: taskWhere,
      select: { id: true, taskId: true, userId: true, groups: true, flags: true, scores: true, timeSpentMs: true, status: true, createdAt: true, _count: { select: { reviews: true } } },
    }),
    db.pairwiseLabel.findMany({
      where: taskWhere,
      select: {
        id: true, taskId: true, userId: true, choice: true, flags: true, timeSpentMs: true, status: true, createdAt: true,
        _count: { select: { reviews: true } },
        task: { select: { responses: { orderBy: { position: "asc" }, select: { responseId: true } } } },
      },
    }),
    db.demonstration.findMany({
      where: taskWhere,
      select: { id: true, taskId: true, userId: true, timeSpentMs: true, status: true, createdAt: true, _count: { select: { reviews: true } } },
    }),
    db.task.findMany({
      where: { projectId: options.projectId, kind: { in: ["RANKING", "PAIRWISE"] }, prompt: { isGold: true } },
      select: { id: true, prompt: { select: { goldAnswer: true } }, responses: { select: { responseId: true } } },
    }),
  ]);
  const goldByTask = new Map<string, TGroups>();
  for (const t of goldTasks) {
    const ranking = (t.prompt.goldAnswer as { ranking?: TGroups } | null)?.ranking;
    if (ranking) goldByTask.set(t.id, restrictGroups(ranking, t.responses.map((r) => r.responseId)));
  }
  const comparable: (TComparableLabel & { kind: "ranking" | "pairwise"; flags: Record<string, string[]>; scores: Record<string, number>; responseIds: string[] })[] = [
    ...rankings.map((r) => ({
      kind: "ranking" as const, id: r.id, taskId: r.taskId, userId: r.userId, groups: r.groups as TGroups,
      flags: r.flags as Record<string, string[]>, scores: r.scores as Record<string, number>, responseIds: (r.groups as TGroups).flat(),
    })),
    ...pairwise.map((p) => {
      const [a, b] = p.task.responses.map((x) => x.responseId);
      return {
        kind: "pairwise" as const, id: p.id, taskId: p.taskId, userId: p.userId, groups: pairwiseGroups(p.choice, a, b),
        flags: p.flags as Record<string, string[]>, scores: {}, responseIds: [a, b],
      };
    }),
  ];
  return { rankings, pairwise, demonstrations, comparable, goldByTask };
}
