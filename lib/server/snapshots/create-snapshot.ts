import "server-only";
import crypto from "node:crypto";
import { db, Prisma } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { requireProjectAccess } from "@/lib/permissions";
import type { TSnapshotSummary } from "@/lib/schemas/labeling";
import { buildSnapshotData } from "@/lib/server/snapshots/build-snapshot-data";
import { canonicalJson } from "@/lib/server/snapshots/canonical-json";

/** Freezes the project's accepted labels into a named, immutable snapshot with a SHA-256 content hash. */
export async function createSnapshot(options: { user: TSessionUser; projectId: string; name: string }): Promise<TSnapshotSummary & { id: string }> {
  await requireProjectAccess(options.user, options.projectId, "review");
  const taken = await db.datasetSnapshot.findUnique({ where: { projectId_name: { projectId: options.projectId, name: options.name } }, select: { id: true } });
  if (taken) throw new AppError("CONFLICT", `A snapshot named "${options.name}" already exists in this project`);
  const { data, counts } = await buildSnapshotData({ projectId: options.projectId });
  const hash = crypto.createHash("sha256").update(canonicalJson(data)).digest("hex");
  try {
    const row = await db.datasetSnapshot.create({
      data: { projectId: options.projectId, name: options.name, counts, contentHash: hash, data: data as unknown as Prisma.InputJsonValue, createdById: options.user.id },
      select: { id: true, name: true, createdAt: true },
    });
    return { id: row.id, name: row.name, counts, hash, createdAt: row.createdAt.toISOString() };
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw new AppError("CONFLICT", `A snapshot named "${options.name}" already exists in this project`);
    }
    throw err;
  }
}
