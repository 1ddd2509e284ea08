// Training data for a stage: the run's frozen snapshot (DatasetSnapshot.data, shape in
// lib/schemas/labeling.ts) or, for pretraining, a corpus.
import path from "node:path";
import { db } from "../../lib/db.ts";
import type { TStageName } from "../../lib/schemas/training.ts";
import { EngineError } from "../errors.ts";

type TMessage = { role: "system" | "user" | "assistant"; content: string };
export type TSnapshotRows = {
  sft: { prompt: string; messages?: TMessage[]; completion: string; split?: string }[];
  preferences: { prompt: string; messages?: TMessage[]; chosen: string; rejected: string; group?: string; split?: string }[];
  prompts: { prompt: string; messages?: TMessage[]; split?: string }[];
};

/** Where models are written (ARTIFACTS_DIR, default .data/artifacts). */
export function artifactsDir(): string {
  return path.resolve(process.env.ARTIFACTS_DIR ?? path.join(".data", "artifacts"));
}

export async function readSnapshotData(snapshotId: string | null): Promise<TSnapshotRows | null> {
  if (!snapshotId) return null;
  const snap = await db.datasetSnapshot.findUnique({ where: { id: snapshotId }, select: { data: true } });
  if (!snap) throw new EngineError("NO_DATA", `snapshot ${snapshotId} not found`);
  const d = (snap.data ?? {}) as Partial<TSnapshotRows>;
  return { sft: d.sft ?? [], preferences: d.preferences ?? [], prompts: d.prompts ?? [] };
}

/** Training rows prefer the train split; eval rows are used only when there is nothing else. */
function trainSplit<T extends { split?: string }>(rows: T[]): T[] {
  const train = rows.filter((r) => r.split !== "eval");
  return train.length ? train : rows;
}

const promptOf = (r: { prompt: string; messages?: TMessage[] }) => (r.messages?.length ? r.messages : r.prompt);

/** Engine records for a stage (see workers/data for the accepted shapes). */
export async function stageRecords(
  kind: TStageName,
  o: { projectId: string; snapshot: TSnapshotRows | null; corpus?: string[] },
): Promise<unknown[]> {
  if (kind === "pretrain") {
    if (o.corpus?.length) return o.corpus.map((text) => ({ text }));
    const [prompts, demos] = await Promise.all([
      db.prompt.findMany({ where: { projectId: o.projectId }, select: { text: true }, orderBy: { createdAt: "asc" } }),
      db.demonstration.findMany({
        where: { task: { projectId: o.projectId }, status: { in: ["ACCEPTED", "CORRECTED"] } },
        select: { text: true, correctedText: true, task: { select: { prompt: { select: { text: true } } } } },
      }),
    ]);
    const texts = [
      ...prompts.map((p) => p.text),
      ...demos.map((d) => `${d.task.prompt.text}\n${d.correctedText ?? d.text}`),
      ...(o.snapshot?.sft ?? []).map((r) => `${r.prompt}\n${r.completion}`),
    ];
    if (!texts.length) throw new EngineError("NO_DATA", "pretrain: no records (the project has no prompts or demonstrations; pass config.corpus)");
    return texts.map((text) => ({ text }));
  }
  if (!o.snapshot) throw new EngineError("NO_DATA", `${kind}: no records: the run has no snapshot`);
  const s = o.snapshot;
  if (kind === "sft") {
    return trainSplit(s.sft).map((r) =>
      r.messages?.length ? { messages: [...r.messages, { role: "assistant", content: r.completion }] } : { prompt: r.prompt, completion: r.completion },
    );
  }
  if (kind === "rm" || kind === "dpo") {
    return trainSplit(s.preferences).map((r) => ({ prompt: promptOf(r), chosen: r.chosen, rejected: r.rejected, ...(r.group ? { group: r.group } : {}) }));
  }
  const prompts = s.prompts.length ? s.prompts : s.sft;
  return trainSplit(prompts).map((r) => ({ prompt: promptOf(r) }));
}
