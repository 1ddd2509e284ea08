import { withUser } from "@/lib/api";
import { ZExportQuery } from "@/lib/schemas/labeling";
import { streamSnapshotExport } from "@/lib/server/export/stream-snapshot-export";

// GET /api/v1/snapshots/{id}/export?format=sft|sft_messages|preference|prompts[&split=train|eval] -> JSONL stream (reviewers, admins)
export const GET = withUser(async ({ user, params, searchParams }) => {
  const query = ZExportQuery.parse({ format: searchParams.get("format") ?? undefined, split: searchParams.get("split") ?? undefined });
  return streamSnapshotExport({ user, snapshotId: params.id, format: query.format, split: query.split });
});
