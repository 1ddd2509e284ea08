import "server-only";
import { db } from "@/lib/db";
import { hashToken } from "@/lib/auth";

/** The open (unused, unexpired) reset link of `token` with its account's email, or null. */
export async function getOpenPasswordReset(token: string) {
  return db.passwordReset.findFirst({
    where: { tokenHash: hashToken(token), usedAt: null, expiresAt: { gt: new Date() }, user: { active: true } },
    select: { id: true, expiresAt: true, user: { select: { email: true } } },
  });
}
