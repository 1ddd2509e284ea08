import "server-only";
import { db } from "@/lib/db";
import { hashPassword, hashToken } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import type { TAcceptInviteRequest } from "@/lib/schemas/accounts";

const INVALID = "This invitation is invalid, used or expired";

/**
 * Creates the invitee's account and uses up the token, atomically: a token works once. The token is
 * checked before the password is hashed (argon2 is slow on purpose), so anonymous callers with made-up
 * tokens cost one indexed lookup, not a hash.
 */
export async function acceptInvite(request: TAcceptInviteRequest) {
  const tokenHash = hashToken(request.token);
  const open = () => ({ tokenHash, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } });
  if (!(await db.invite.findFirst({ where: open(), select: { id: true } }))) throw new AppError("NOT_FOUND", INVALID);
  const passwordHash = await hashPassword(request.password);
  return db.$transaction(async (tx) => {
    // Checked again where it is used up: another accept may have won while the password was hashed.
    const claimed = await tx.invite.updateMany({ where: open(), data: { acceptedAt: new Date() } });
    if (claimed.count !== 1) throw new AppError("NOT_FOUND", INVALID);
    const invite = await tx.invite.findUniqueOrThrow({ where: { tokenHash } });
    if (await tx.user.findUnique({ where: { email: invite.email }, select: { id: true } })) {
      throw new AppError("CONFLICT", `${invite.email} already has an account`);
    }
    const user = await tx.user.create({
      data: { email: invite.email, name: request.name ?? null, role: invite.role, passwordHash },
      select: { id: true, email: true, role: true },
    });
    if (invite.projectId) {
      await tx.projectMember.create({
        data: { projectId: invite.projectId, userId: user.id, role: invite.role === "REVIEWER" ? "REVIEWER" : "LABELER" },
      });
    }
    return user;
  });
}
