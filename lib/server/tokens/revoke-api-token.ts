import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";

/** Revokes one of the caller's tokens (admins may revoke anyone's). */
export async function revokeApiToken(options: { tokenId: string; userId: string; isAdmin: boolean }) {
  const token = await db.apiToken.findUnique({ where: { id: options.tokenId }, select: { id: true, userId: true, revokedAt: true } });
  if (!token || (token.userId !== options.userId && !options.isAdmin)) throw AppError.notFound("Token");
  if (token.revokedAt) return { id: token.id, revokedAt: token.revokedAt };
  return db.apiToken.update({ where: { id: token.id }, data: { revokedAt: new Date() }, select: { id: true, revokedAt: true } });
}
