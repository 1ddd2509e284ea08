import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { TUpdateUserRequest } from "@/lib/schemas/accounts";

/** Changes role, name or active state. Deactivating or changing the role ends the user's sessions. */
export async function updateUser(options: { actorId: string; userId: string; changes: TUpdateUserRequest }) {
  const { actorId, userId, changes } = options;
  const user = await db.user.findUnique({ where: { id: userId } });
  if (!user) throw AppError.notFound("User");
  if (userId === actorId && (changes.active === false || (changes.role && changes.role !== "ADMIN"))) {
    throw new AppError("CONFLICT", "You cannot deactivate or demote yourself");
  }
  if (user.role === "ADMIN" && (changes.active === false || (changes.role && changes.role !== "ADMIN"))) {
    const admins = await db.user.count({ where: { role: "ADMIN", active: true } });
    if (admins <= 1) throw new AppError("CONFLICT", "The last active admin cannot be deactivated or demoted");
  }
  const endsSessions = (changes.active === false && user.active) || (changes.role && changes.role !== user.role);
  const updated = await db.user.update({
    where: { id: userId },
    data: { ...changes, ...(endsSessions ? { sessionEpoch: { increment: 1 } } : {}) },
    select: { id: true, email: true, name: true, role: true, active: true },
  });
  await db.auditLog.create({ data: { actorId, action: "user.update", target: userId, data: changes } });
  return updated;
}
