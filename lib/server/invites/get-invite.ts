import "server-only";
import { db } from "@/lib/db";
import { hashToken } from "@/lib/auth";

/** The open invitation behind a token, or null when it is unknown, used, revoked or expired. */
export async function getOpenInvite(token: string) {
  const invite = await db.invite.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, email: true, role: true, projectId: true, expiresAt: true, acceptedAt: true, revokedAt: true, project: { select: { name: true } } },
  });
  if (!invite || invite.acceptedAt || invite.revokedAt || invite.expiresAt < new Date()) return null;
  return invite;
}
