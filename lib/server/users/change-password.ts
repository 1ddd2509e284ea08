import "server-only";
import { db } from "@/lib/db";
import { authenticateWithPassword, hashPassword } from "@/lib/auth";
import { AppError, isAppError } from "@/lib/errors";
import { endAuthSessions } from "@/lib/server/auth/end-auth-sessions";
import type { TChangePasswordRequest } from "@/lib/schemas/accounts";

/**
 * Changes the caller's own password, given the current one, and ends their other browser sessions (the
 * one they are using, `currentSessionId`, stays open; API tokens are untouched). The current password is
 * checked like a sign-in, throttle included, so a borrowed session cannot be used to guess it.
 */
export async function changePassword(options: { userId: string; currentSessionId: string | null; ip: string | null; request: TChangePasswordRequest }) {
  const { userId, currentSessionId, ip, request } = options;
  const user = await db.user.findUnique({ where: { id: userId }, select: { email: true, passwordHash: true } });
  if (!user) throw AppError.notFound("User");
  try {
    await authenticateWithPassword(user.email, request.currentPassword, ip);
  } catch (err) {
    if (isAppError(err) && err.code === "UNAUTHORIZED") {
      throw new AppError("INVALID_INPUT", "The current password is not right", [{ path: "currentPassword", message: "is not right" }]);
    }
    throw err;
  }
  const passwordHash = await hashPassword(request.newPassword);
  const endedSessions = await db.$transaction(async (tx) => {
    // Only if nobody changed it meanwhile (another tab, a reset link): the check and the write in one step.
    const changed = await tx.user.updateMany({
      where: { id: userId, passwordHash: user.passwordHash },
      data: { passwordHash, passwordChangedAt: new Date() },
    });
    if (changed.count !== 1) throw new AppError("CONFLICT", "The password was changed meanwhile; sign in again");
    await tx.auditLog.create({ data: { actorId: userId, action: "user.password_change", target: userId } });
    return endAuthSessions({ userId, exceptSessionId: currentSessionId }, tx);
  });
  return { changed: true, endedSessions };
}
