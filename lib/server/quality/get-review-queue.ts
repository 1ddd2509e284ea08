import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { requireProjectAccess } from "@/lib/permissions";
import { labelSignals } from "@/lib/quality/signals";
import { LOW_AGREEMENT_TAU, type TChatMessage, type TReviewQueueItem } from "@/lib/schemas/labeling";
import { loadProjectLabels } from "@/lib/server/quality/load-project-labels";

// Labels nobody has reviewed yet (not rejected): failed gold first, then low agreement (mean tau-b with
// the task's other labelers below LOW_AGREEMENT_TAU), then the rest, oldest first in each band.

export async function getReviewQueue(options: { user: TSessionUser; projectId: string; limit: number }): Promise<{ items: TReviewQueueItem[] }> {
  await requireProjectAccess(options.user, options.projectId, "review");
  const { rankings, pairwise, demonstrations, comparable, goldByTask } = await loadProjectLabels({ projectId: options.projectId });
  const { signals } = labelSignals(comparable, goldByTask);
  const open = <T extends { status: string; _count: { reviews: number } }>(l: T) => l._count.reviews === 0 && l.status !== "REJECTED";
  const candidates = [
    ...rankings.filter(open).map((l) => ({ kind: "ranking" as const, l })),
    ...pairwise.filter(open).map((l) => ({ kind: "pairwise" as const, l })),
    ...demonstrations.filter(open).map((l) => ({ kind: "demonstration" as const, l })),
  ].map((c) => {
    const s = signals.get(c.l.id);
    const reason: TReviewQueueItem["reason"] = s?.goldPassed === false ? "failed_gold" : s && s.agreement !== null && s.agreement < LOW_AGREEMENT_TAU ? "low_agreement" : "unreviewed";
    return { ...c, reason, agreement: s?.agreement ?? null, goldPassed: s?.goldPassed ?? null };
  });
  const band = { failed_gold: 0, low_agreement: 1, unreviewed: 2 };
  candidates.sort((a, b) => band[a.reason] - band[b.reason] || a.l.createdAt.getTime() - b.l.createdAt.getTime());
  const page = candidates.slice(0, options.limit);

  const ids = (k: string) => page.filter((p) => p.kind === k).map((p) => p.l.id);
  const taskSelect = {
    id: true,
    prompt: { select: { text: true, messages: true } },
    responses: { orderBy: { position: "asc" as const }, select: { response: { select: { id: true, text: true, source: true } } } },
  };
  const [rk, pw, dm] = await Promise.all([
    db.ranking.findMany({ where: { id: { in: ids("ranking") } }, select: { id: true, groups: true, flags: true, scores: true, rationale: true, allBad: true, orderAction: true, timeSpentMs: true, user: { select: { id: true, email: true, name: true } }, task: { select: taskSelect } } }),
    db.pairwiseLabel.findMany({ where: { id: { in: ids("pairwise") } }, select: { id: true, choice: true, strength: true, flags: true, rationale: true, timeSpentMs: true, user: { select: { id: true, email: true, name: true } }, task: { select: taskSelect } } }),
    db.demonstration.findMany({ where: { id: { in: ids("demonstration") } }, select: { id: true, text: true, rationale: true, timeSpentMs: true, user: { select: { id: true, email: true, name: true } }, task: { select: taskSelect } } }),
  ]);
  const details = new Map<string, { user: { id: string; email: string; name: string | null }; task: { id: string; prompt: { text: string; messages: unknown }; responses: { response: { id: string; text: string; source: "HUMAN" | "IMPORTED" | "MODEL" } }[] }; label: TReviewQueueItem["label"] }>();
  for (const r of rk) details.set(r.id, { user: r.user, task: r.task, label: { groups: r.groups as string[][], flags: r.flags as Record<string, string[]>, scores: r.scores as Record<string, number>, rationale: r.rationale, allBad: r.allBad, orderAction: r.orderAction as TReviewQueueItem["label"]["orderAction"], timeSpentMs: r.timeSpentMs } });
  for (const r of pw) details.set(r.id, { user: r.user, task: r.task, label: { choice: r.choice as "A" | "B" | "tie" | "both_bad", strength: r.strength, flags: r.flags as Record<string, string[]>, rationale: r.rationale, timeSpentMs: r.timeSpentMs } });
  for (const r of dm) details.set(r.id, { user: r.user, task: r.task, label: { text: r.text, rationale: r.rationale, timeSpentMs: r.timeSpentMs } });

  return {
    items: page.map((p) => {
      const d = details.get(p.l.id)!;
      return {
        kind: p.kind,
        id: p.l.id,
        taskId: d.task.id,
        prompt: d.task.prompt.text,
        messages: (d.task.prompt.messages as TChatMessage[] | null) ?? null,
        labeler: d.user,
        createdAt: p.l.createdAt.toISOString(),
        status: p.l.status,
        reason: p.reason,
        agreement: p.agreement,
        goldPassed: p.goldPassed,
        responses: d.task.responses.map((r) => r.response),
        label: d.label,
      };
    }),
  };
}
