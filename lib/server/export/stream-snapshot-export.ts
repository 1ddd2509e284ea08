import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { requireProjectAccess } from "@/lib/permissions";
import type { TExportFormat, TSnapshotData } from "@/lib/schemas/labeling";
import { snapshotExportRows } from "@/lib/server/export/snapshot-export-rows";

/** A snapshot as a JSONL download, streamed in chunks of rows (reviewers and admins of its project). */
export async function streamSnapshotExport(options: { user: TSessionUser; snapshotId: string; format: TExportFormat; split?: "train" | "eval" }): Promise<Response> {
  const snap = await db.datasetSnapshot.findUnique({ where: { id: options.snapshotId }, select: { id: true, name: true, projectId: true, data: true, contentHash: true } });
  if (!snap) throw AppError.notFound("Snapshot");
  await requireProjectAccess(options.user, snap.projectId, "review").catch((err) => {
    if (err instanceof AppError && err.code === "NOT_FOUND") throw AppError.notFound("Snapshot");
    throw err;
  });
  const rows = snapshotExportRows(snap.data as unknown as TSnapshotData, options.format, options.split);
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      let chunk = "";
      for (let i = 0; i < 500; i++) {
        const next = rows.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += `${JSON.stringify(next.value)}\n`;
      }
      controller.enqueue(encoder.encode(chunk));
    },
  });
  const safeName = snap.name.replace(/[^A-Za-z0-9._-]+/g, "_");
  return new Response(stream, {
    headers: {
      "content-type": "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="${safeName}.${options.format}.jsonl"`,
      "x-snapshot-hash": snap.contentHash,
    },
  });
}
