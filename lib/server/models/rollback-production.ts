import "server-only";
import { db, Prisma } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { requireProjectAccess } from "@/lib/permissions";

/**
 * Puts the previous production version back: the current one returns to APPROVED (and leaves the
 * promotion history), the approved policy promoted most recently before it becomes PRODUCTION again.
 * Under the project's row lock (as promotions take it): ten rollbacks at once go back one version.
 */
export async function rollbackProduction(options: { user: TSessionUser; projectId: string }) {
  await requireProjectAccess(options.user, options.projectId, "manage");
  return db.$transaction(async (tx) => {
    await tx.$queryRaw(Prisma.sql`SELECT id FROM "Project" WHERE id = ${options.projectId} FOR UPDATE`);
    const current = await tx.modelVersion.findFirst({ where: { projectId: options.projectId, status: "PRODUCTION" }, select: { id: true, promotedAt: true } });
    if (!current) throw new AppError("CONFLICT", "There is no production version to roll back");
    const previous = await tx.modelVersion.findFirst({
      where: { projectId: options.projectId, kind: "POLICY", status: "APPROVED", promotedAt: { not: null, lt: current.promotedAt ?? new Date() } },
      orderBy: { promotedAt: "desc" },
      select: { id: true },
    });
    if (!previous) throw new AppError("CONFLICT", "There is no earlier production version to go back to");
    await tx.modelVersion.update({ where: { id: current.id }, data: { status: "APPROVED", promotedAt: null } });
    await tx.modelVersion.update({ where: { id: previous.id }, data: { status: "PRODUCTION" } });
    await tx.auditLog.create({ data: { actorId: options.user.id, action: "model.rollback", target: current.id, data: { projectId: options.projectId, productionId: previous.id } } });
    return { productionId: previous.id, rolledBackId: current.id };
  });
}
