import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { requireProjectAccess } from "@/lib/permissions";
import type { TSnapshotPreview } from "@/lib/schemas/labeling";
import { buildSnapshotData } from "@/lib/server/snapshots/build-snapshot-data";

/** What freezing a snapshot now would hold (the same counts createSnapshot answers), before freezing. */
export async function previewSnapshot(options: { user: TSessionUser; projectId: string }): Promise<TSnapshotPreview> {
  await requireProjectAccess(options.user, options.projectId, "review");
  const [project, { counts }] = await Promise.all([
    db.project.findUniqueOrThrow({ where: { id: options.projectId }, select: { reviewRequired: true } }),
    buildSnapshotData({ projectId: options.projectId }),
  ]);
  return { reviewRequired: project.reviewRequired, counts };
}
