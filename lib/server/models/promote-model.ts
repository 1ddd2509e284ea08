import "server-only";
import { db, Prisma } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { requireModelAccess } from "@/lib/server/models/get-model";

/**
 * The release gate: only an APPROVED POLICY becomes PRODUCTION; one PRODUCTION per project, the previous
 * one goes back to APPROVED (and stays the rollback target through its promotedAt). Promotions and
 * rollbacks of a project take its row lock and check the version's status under it, so two at once never
 * leave two PRODUCTION versions.
 */
export async function promoteModel(options: { user: TSessionUser; versionId: string }) {
  const v = await requireModelAccess(options.user, options.versionId, "manage");
  if (v.kind !== "POLICY") throw new AppError("CONFLICT", "Only a policy (PPO or DPO) version can be promoted");
  const previous = await db.$transaction(async (tx) => {
    await tx.$queryRaw(Prisma.sql`SELECT id FROM "Project" WHERE id = ${v.projectId} FOR UPDATE`);
    const now = await tx.modelVersion.findUniqueOrThrow({ where: { id: v.id }, select: { status: true } });
    if (now.status !== "APPROVED") throw new AppError("CONFLICT", `Only an approved version can be promoted (this one is ${now.status.toLowerCase()})`);
    const prev = await tx.modelVersion.findFirst({ where: { projectId: v.projectId, status: "PRODUCTION" }, select: { id: true } });
    if (prev) await tx.modelVersion.update({ where: { id: prev.id }, data: { status: "APPROVED" } });
    await tx.modelVersion.update({ where: { id: v.id }, data: { status: "PRODUCTION", promotedAt: new Date() } });
    await tx.auditLog.create({ data: { actorId: options.user.id, action: "model.promote", target: v.id, data: { projectId: v.projectId, previousId: prev?.id ?? null } } });
    return prev;
  });
  return { id: v.id, status: "PRODUCTION" as const, previousId: previous?.id ?? null };
}
