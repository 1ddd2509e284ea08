import "server-only";
import { db } from "@/lib/db";
import { rankedPairsConsensus } from "@/lib/quality/consensus";
import { rankingPairs } from "@/lib/quality/pairs";
import type { TGroups } from "@/lib/quality/ranks";
import type { TChatMessage, TSnapshotCounts, TSnapshotData, TSnapshotPreferenceRow, TSnapshotSftRow } from "@/lib/schemas/labeling";

// The rows a snapshot freezes (shape documented on ZSnapshotData): accepted and corrected labels only,
// corrected content in place of the labeler's; several rankings of one task merged by ranked pairs.
// The counts also say how many of those labels a reviewer accepted or corrected (reviewed) and how many
// were accepted on submission with nobody looking (unreviewed), and how many labels wait for review
// (PENDING: left out).

const ACCEPTED = { in: ["ACCEPTED" as const, "CORRECTED" as const] };
/** A label is reviewed when a reviewer accepted or corrected it (a rejected one is not in a snapshot). */
const REVIEWED = { _count: { select: { reviews: { where: { decision: { in: ["accept", "correct"] } } } } } };

function promptFields(p: { text: string; messages: unknown }) {
  const messages = (p.messages as TChatMessage[] | null) ?? null;
  if (!messages) return { prompt: p.text };
  return { prompt: messages.map((m) => `${m.role}: ${m.content}`).join("\n\n"), messages };
}

export async function buildSnapshotData(options: { projectId: string }): Promise<{ data: TSnapshotData; counts: Required<TSnapshotCounts> }> {
  const { projectId } = options;
  const taskWhere = { task: { projectId } };
  const [prompts, demonstrations, rankings, pairwise] = await Promise.all([
    db.prompt.findMany({ where: { projectId }, orderBy: { contentHash: "asc" }, select: { id: true, text: true, messages: true, split: true, contentHash: true } }),
    db.demonstration.findMany({ where: { ...taskWhere, status: ACCEPTED }, select: { id: true, text: true, correctedText: true, task: { select: { promptId: true } }, ...REVIEWED } }),
    db.ranking.findMany({ where: { ...taskWhere, status: ACCEPTED }, orderBy: { id: "asc" }, select: { taskId: true, groups: true, correctedGroups: true, task: { select: { promptId: true } }, ...REVIEWED } }),
    db.pairwiseLabel.findMany({
      where: { ...taskWhere, status: ACCEPTED },
      select: { taskId: true, choice: true, correctedChoice: true, task: { select: { promptId: true, responses: { orderBy: { position: "asc" }, select: { responseId: true } } } }, ...REVIEWED },
    }),
  ]);
  const pendingWhere = { ...taskWhere, status: "PENDING" as const };
  const pending = await Promise.all([db.demonstration.count({ where: pendingWhere }), db.ranking.count({ where: pendingWhere }), db.pairwiseLabel.count({ where: pendingWhere })]);
  const promptById = new Map(prompts.map((p) => [p.id, { ...promptFields(p), split: p.split === "EVAL" ? ("eval" as const) : ("train" as const) }]));
  // Rows are ordered by content (the prompt's hash, then the text), not by random ids: the same labels
  // give the same snapshot, row for row, in any project (and a seeded training run the same model).
  const hashOf = new Map(prompts.map((p) => [p.id, p.contentHash]));

  const sft: TSnapshotSftRow[] = demonstrations
    .map((d) => ({ key: `${hashOf.get(d.task.promptId)}/${d.correctedText ?? d.text}/${d.id}`, row: { ...promptById.get(d.task.promptId)!, completion: d.correctedText ?? d.text } }))
    .sort((a, b) => (a.key < b.key ? -1 : 1))
    .map((x) => x.row);

  // One consensus ranking per task (ranking and pairwise labels alike, as groups).
  const byTask = new Map<string, { promptId: string; rankings: TGroups[] }>();
  const add = (taskId: string, promptId: string, groups: TGroups) => {
    const entry = byTask.get(taskId) ?? { promptId, rankings: [] };
    entry.rankings.push(groups);
    byTask.set(taskId, entry);
  };
  for (const r of rankings) add(r.taskId, r.task.promptId, (r.correctedGroups ?? r.groups) as TGroups);
  for (const p of pairwise) {
    const [a, b] = p.task.responses.map((x) => x.responseId);
    const choice = p.correctedChoice ?? p.choice;
    if (choice === "A") add(p.taskId, p.task.promptId, [[a], [b]]);
    else if (choice === "B") add(p.taskId, p.task.promptId, [[b], [a]]);
    else add(p.taskId, p.task.promptId, [[a, b]]);
  }
  const responseIds = [...byTask.values()].flatMap((t) => t.rankings[0].flat());
  const texts = new Map((await db.response.findMany({ where: { id: { in: responseIds } }, select: { id: true, text: true } })).map((r) => [r.id, r.text]));
  const preferences: TSnapshotPreferenceRow[] = [];
  const taskIds = [...byTask.keys()].sort((x, y) => {
    const px = hashOf.get(byTask.get(x)!.promptId)!;
    const py = hashOf.get(byTask.get(y)!.promptId)!;
    return px < py ? -1 : px > py ? 1 : x < y ? -1 : 1;
  });
  for (const taskId of taskIds) {
    const t = byTask.get(taskId)!;
    const consensus = rankedPairsConsensus(t.rankings);
    for (const { chosen, rejected } of rankingPairs(consensus)) {
      preferences.push({ ...promptById.get(t.promptId)!, chosen: texts.get(chosen)!, rejected: texts.get(rejected)!, group: taskId });
    }
  }
  const promptRows = prompts.map((p) => promptById.get(p.id)!);
  const labels = [...demonstrations, ...rankings, ...pairwise];
  const reviewed = labels.filter((l) => l._count.reviews > 0).length;
  const data: TSnapshotData = { version: 1, sft, preferences, prompts: promptRows };
  const counts: Required<TSnapshotCounts> = {
    demonstrations: demonstrations.length,
    rankings: rankings.length,
    pairwise: pairwise.length,
    sft: sft.length,
    preferences: preferences.length,
    prompts: promptRows.length,
    reviewed,
    unreviewed: labels.length - reviewed,
    pendingReview: pending[0] + pending[1] + pending[2],
  };
  return { data, counts };
}
