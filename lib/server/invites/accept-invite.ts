import "server-only";
import { db } from "@/lib/db";
import { hashPassword, hashToken } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import type { TAcceptInviteRequest } from "@/lib/schemas/accounts";

/** Creates the invitee's account and uses up the token, atomically: a token works once. */
export async function acceptInvite(request: TAcceptInviteRequest) {
  const passwordHash = await hashPassword(request.password);
  return db.$transaction(async (tx) => {
    const claimed = await tx.invite.updateMany({
      where: { tokenHash: hashToken(request.token), acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
      data: { acceptedAt: new Date() },
    });
    if (claimed.count !== 1) throw new AppError("NOT_FOUND", "This invitation is invalid, used or expired");
    const invite = await tx.invite.findUniqueOrThrow({ where: { tokenHash: hashToken(request.token) } });
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
