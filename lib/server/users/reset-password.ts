import "server-only";
import { db } from "@/lib/db";
import { hashPassword, hashToken } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { endAuthSessions } from "@/lib/server/auth/end-auth-sessions";
import type { TResetPasswordRequest } from "@/lib/schemas/accounts";

const INVALID = "This password reset link is invalid, used or expired";

/**
 * Sets a new password through a one-time reset link and ends all of the user's browser sessions. The token
 * is checked before the (deliberately slow) password hash, so made-up tokens cost nothing; the link is used
 * up in the same transaction that writes the password, so it works once.
 */
export async function resetPassword(request: TResetPasswordRequest) {
  const tokenHash = hashToken(request.token);
  const open = { tokenHash, usedAt: null, expiresAt: { gt: new Date() }, user: { active: true } };
  if (!(await db.passwordReset.findFirst({ where: open, select: { id: true } }))) throw new AppError("NOT_FOUND", INVALID);
  const passwordHash = await hashPassword(request.password);
  return db.$transaction(async (tx) => {
    const now = new Date();
    const claimed = await tx.passwordReset.updateMany({ where: { ...open, expiresAt: { gt: now } }, data: { usedAt: now } });
    if (claimed.count !== 1) throw new AppError("NOT_FOUND", INVALID);
    const { userId } = await tx.passwordReset.findUniqueOrThrow({ where: { tokenHash }, select: { userId: true } });
    const user = await tx.user.update({ where: { id: userId }, data: { passwordHash, passwordChangedAt: now }, select: { id: true, email: true } });
    await endAuthSessions({ userId }, tx);
    await tx.auditLog.create({ data: { actorId: userId, action: "user.password_reset", target: userId } });
    return user;
  });
}
