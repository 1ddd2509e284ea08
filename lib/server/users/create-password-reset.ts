import "server-only";
import { db } from "@/lib/db";
import { hashToken, newSecretToken } from "@/lib/auth";
import { AppError } from "@/lib/errors";

export const PASSWORD_RESET_HOURS = 24;

/**
 * A one-time link to set a new password, issued by an admin (no mail server: the admin passes it on).
 * Only the token's SHA-256 is stored; a new link voids the user's earlier open ones.
 */
export async function createPasswordReset(options: { createdById: string; userId: string }) {
  const token = newSecretToken("pwr");
  const expiresAt = new Date(Date.now() + PASSWORD_RESET_HOURS * 3_600_000);
  const reset = await db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: options.userId }, select: { id: true, email: true, active: true } });
    if (!user) throw AppError.notFound("User");
    if (!user.active) throw new AppError("CONFLICT", `${user.email} is deactivated: reactivate the account first`);
    const now = new Date();
    await tx.passwordReset.updateMany({ where: { userId: user.id, usedAt: null, expiresAt: { gt: now } }, data: { expiresAt: now } });
    const created = await tx.passwordReset.create({
      data: { userId: user.id, tokenHash: hashToken(token), createdById: options.createdById, expiresAt },
      select: { id: true, expiresAt: true },
    });
    await tx.auditLog.create({ data: { actorId: options.createdById, action: "user.password_reset_link", target: user.id } });
    return { ...created, email: user.email };
  });
  return { ...reset, token, path: `/reset/${token}` };
}
