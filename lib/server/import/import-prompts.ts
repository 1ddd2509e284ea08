import "server-only";
import crypto from "node:crypto";
import { db, Prisma } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { TImportLineError, TImportResponse } from "@/lib/schemas/labeling";
import { importMaxBytes } from "@/lib/server/import/import-max-bytes";
import { normaliseImportLine, type TImportItem } from "@/lib/server/import/normalise-import-line";
import { planImportTasks } from "@/lib/server/import/plan-import-tasks";
import { readImportRecords } from "@/lib/server/import/read-import-records";

// Imports prompts (and their responses and gold answers) from a JSONL or CSV stream into a project and
// creates their labeling tasks. The file is read record by record and written in batches inside one
// transaction: "all_or_nothing" rolls everything back when any line is bad, "partial" keeps the good
// lines. Duplicates (same normalised prompt already in the project, or earlier in the file) are reported
// and skipped, in both modes. An ImportJob row records the outcome either way.

const BATCH = 500;
/** At most this many rejected / duplicate lines are listed (all are counted). */
const MAX_LISTED = 1000;

type TTx = Prisma.TransactionClient;
type TPending = { line: number; item: TImportItem };
type TProjectConfig = { id: string; taskKinds: ("DEMONSTRATION" | "RANKING" | "PAIRWISE")[]; responsesPerTask: number; labelsPerItem: number };

class RollBack extends Error {}

async function flush(tx: TTx, project: TProjectConfig, importId: string, source: string, batch: TPending[], duplicates: TImportLineError[]) {
  if (!batch.length) return { prompts: 0, tasks: 0 };
  const existing = await tx.prompt.findMany({
    where: { projectId: project.id, contentHash: { in: batch.map((b) => b.item.contentHash) } },
    select: { contentHash: true },
  });
  const taken = new Set(existing.map((e) => e.contentHash));
  const fresh = batch.filter((b) => {
    if (!taken.has(b.item.contentHash)) return true;
    duplicates.push({ line: b.line, error: "prompt: duplicate of a prompt already in the project" });
    return false;
  });
  const withIds = fresh.map((b) => ({ ...b, id: crypto.randomUUID(), responseIds: b.item.responses.map(() => crypto.randomUUID()) }));
  await tx.prompt.createMany({
    data: withIds.map(({ id, item, responseIds }) => ({
      id,
      projectId: project.id,
      text: item.text,
      messages: item.messages ?? Prisma.DbNull,
      split: item.split,
      source,
      metadata: (item.metadata as Prisma.InputJsonValue) ?? Prisma.DbNull,
      contentHash: item.contentHash,
      isGold: item.gold !== null,
      goldAnswer: item.gold
        ? ({
            ...(item.gold.ranking ? { ranking: item.gold.ranking.map((g) => g.map((i) => responseIds[i])) } : {}),
            ...(item.gold.text ? { text: item.gold.text } : {}),
          } as Prisma.InputJsonValue)
        : Prisma.DbNull,
      importId,
    })),
    skipDuplicates: true,
  });
  // A concurrent import may have stored the same prompt between our check and our insert.
  const stored = new Set((await tx.prompt.findMany({ where: { id: { in: withIds.map((w) => w.id) } }, select: { id: true } })).map((p) => p.id));
  const kept = withIds.filter((w) => {
    if (stored.has(w.id)) return true;
    duplicates.push({ line: w.line, error: "prompt: duplicate of a prompt already in the project" });
    return false;
  });
  await tx.response.createMany({
    data: kept.flatMap((w) => w.item.responses.map((text, i) => ({ id: w.responseIds[i], promptId: w.id, text, source: "IMPORTED" as const }))),
  });
  const tasks: { id: string; projectId: string; promptId: string; kind: "DEMONSTRATION" | "RANKING" | "PAIRWISE"; labelsNeeded: number }[] = [];
  const taskResponses: { taskId: string; responseId: string; position: number }[] = [];
  for (const w of kept) {
    for (const planned of planImportTasks({ responses: w.item.responses.length, taskKinds: project.taskKinds, responsesPerTask: project.responsesPerTask })) {
      const taskId = crypto.randomUUID();
      tasks.push({ id: taskId, projectId: project.id, promptId: w.id, kind: planned.kind, labelsNeeded: project.labelsPerItem });
      planned.responseIndexes.forEach((ri, position) => taskResponses.push({ taskId, responseId: w.responseIds[ri], position }));
    }
  }
  await tx.task.createMany({ data: tasks });
  await tx.taskResponse.createMany({ data: taskResponses });
  return { prompts: kept.length, tasks: tasks.length };
}

export async function importPrompts(options: {
  projectId: string;
  createdById: string | null;
  fileName: string;
  mode: "partial" | "all_or_nothing";
  format: "jsonl" | "csv";
  source: AsyncIterable<Uint8Array>;
  maxBytes?: number;
}): Promise<TImportResponse> {
  const project = await db.project.findUnique({
    where: { id: options.projectId },
    select: { id: true, taskKinds: true, responsesPerTask: true, labelsPerItem: true },
  });
  if (!project) throw AppError.notFound("Project");
  // The name comes from the caller (a form's file name, ?name=): no control characters (NUL cannot be stored).
  const fileName = options.fileName.replace(/[\u0000-\u001f\u007f]/g, "").slice(0, 255) || "upload";
  const job = await db.importJob.create({
    data: { projectId: project.id, fileName, mode: options.mode, createdById: options.createdById },
    select: { id: true },
  });
  const rejected: TImportLineError[] = [];
  const duplicates: TImportLineError[] = [];
  let rejectedCount = 0;
  let imported = 0;
  let tasksCreated = 0;
  const reject = (e: TImportLineError) => {
    rejectedCount += 1;
    if (rejected.length < MAX_LISTED) rejected.push(e);
  };
  const source = `import:${fileName}`.slice(0, 255);

  const run = async (tx: TTx) => {
    const seen = new Map<string, number>();
    let batch: TPending[] = [];
    let records = 0;
    for await (const rec of readImportRecords(options.source, { format: options.format, maxBytes: options.maxBytes ?? importMaxBytes() })) {
      records += 1;
      if (rec.error !== undefined) {
        reject({ line: rec.line, error: rec.error });
        continue;
      }
      const result = normaliseImportLine(rec.value);
      if (!result.ok) {
        reject({ line: rec.line, error: result.error });
        continue;
      }
      const first = seen.get(result.item.contentHash);
      if (first !== undefined) {
        duplicates.push({ line: rec.line, error: `prompt: duplicate of line ${first} in this file` });
        continue;
      }
      seen.set(result.item.contentHash, rec.line);
      // Once a line is bad in all-or-nothing mode nothing will be kept: just keep reading to report every problem.
      if (options.mode === "all_or_nothing" && rejectedCount > 0) continue;
      batch.push({ line: rec.line, item: result.item });
      if (batch.length >= BATCH) {
        const r = await flush(tx, project, job.id, source, batch, duplicates);
        imported += r.prompts;
        tasksCreated += r.tasks;
        batch = [];
      }
    }
    if (records === 0) {
      const message = options.format === "csv" ? "the file is empty (a CSV needs a header row and at least one row)" : "the file is empty (no lines to import)";
      throw new AppError("INVALID_INPUT", `file: ${message}`, undefined, [{ path: "file", message }]);
    }
    if (options.mode === "all_or_nothing" && rejectedCount > 0) throw new RollBack();
    const r = await flush(tx, project, job.id, source, batch, duplicates);
    imported += r.prompts;
    tasksCreated += r.tasks;
  };

  try {
    await db.$transaction(run, { timeout: 15 * 60_000, maxWait: 30_000 });
  } catch (err) {
    if (!(err instanceof RollBack)) {
      await db.importJob.update({
        where: { id: job.id },
        data: { errors: [{ line: 0, error: err instanceof Error ? err.message : String(err) }] },
      });
      throw err;
    }
    imported = 0;
    tasksCreated = 0;
  }
  duplicates.sort((a, b) => a.line - b.line);
  await db.importJob.update({
    where: { id: job.id },
    data: { imported, rejected: rejectedCount, duplicates: duplicates.length, errors: [...rejected, ...duplicates.slice(0, MAX_LISTED)] },
  });
  return { importId: job.id, mode: options.mode, imported, tasksCreated, rejected, duplicates: duplicates.slice(0, MAX_LISTED) };
}
