import "server-only";
import { db, Prisma } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { TUpdateUserRequest } from "@/lib/schemas/accounts";

/**
 * Changes role, name or active state. Deactivating or changing the role ends the user's sessions.
 * The checks run in the transaction that writes, on locked rows (the actor, the target and every active
 * admin, locked in one statement in id order): the actor must still be an active admin, and the last
 * active admin is never deactivated or demoted, even by two admins demoting each other at once.
 */
export async function updateUser(options: { actorId: string; userId: string; changes: TUpdateUserRequest }) {
  const { actorId, userId, changes } = options;
  const removesAdmin = changes.active === false || (changes.role !== undefined && changes.role !== "ADMIN");
  if (userId === actorId && removesAdmin) throw new AppError("CONFLICT", "You cannot deactivate or demote yourself");

  return db.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string; role: string; active: boolean }[]>(Prisma.sql`
      SELECT id, role::text AS role, active FROM "User"
      WHERE id IN (${actorId}, ${userId}) OR (role = 'ADMIN' AND active)
      ORDER BY id FOR UPDATE`);
    const actor = locked.find((u) => u.id === actorId);
    if (!actor || actor.role !== "ADMIN" || !actor.active) throw AppError.forbidden("You are no longer an active admin");
    const user = locked.find((u) => u.id === userId);
    if (!user) throw AppError.notFound("User");
    if (user.role === "ADMIN" && user.active && removesAdmin) {
      const admins = locked.filter((u) => u.role === "ADMIN" && u.active).length;
      if (admins <= 1) throw new AppError("CONFLICT", "The last active admin cannot be deactivated or demoted");
    }
    const endsSessions = (changes.active === false && user.active) || (changes.role && changes.role !== user.role);
    const updated = await tx.user.update({
      where: { id: userId },
      data: { ...changes, ...(endsSessions ? { sessionEpoch: { increment: 1 } } : {}) },
      select: { id: true, email: true, name: true, role: true, active: true },
    });
    await tx.auditLog.create({ data: { actorId, action: "user.update", target: userId, data: changes } });
    return updated;
  });
}
