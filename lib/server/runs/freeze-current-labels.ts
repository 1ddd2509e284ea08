import "server-only";
import crypto from "node:crypto";
import { db, type Prisma } from "@/lib/db";
import { buildSnapshotData } from "@/lib/server/snapshots/build-snapshot-data";
import { canonicalJson } from "@/lib/server/snapshots/canonical-json";

// "Freeze the current labels now" for a training round: a snapshot built by the labeling side's
// buildSnapshotData (accepted and corrected labels, rankings merged by ranked pairs), named after the
// moment, for rounds launched without one and for scheduled rounds (which have no user).
export async function freezeCurrentLabels(options: { projectId: string; createdById?: string | null; name?: string }) {
  const { data, counts } = await buildSnapshotData({ projectId: options.projectId });
  const contentHash = crypto.createHash("sha256").update(canonicalJson(data)).digest("hex");
  return db.datasetSnapshot.create({
    data: {
      projectId: options.projectId,
      name: options.name ?? `round-${new Date().toISOString().replace(/[:.]/g, "-")}-${crypto.randomBytes(2).toString("hex")}`,
      counts,
      contentHash,
      data: data as unknown as Prisma.InputJsonValue,
      createdById: options.createdById ?? null,
    },
    select: { id: true, name: true, counts: true },
  });
}
