import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";

export async function revokeInvite(options: { inviteId: string }) {
  const res = await db.invite.updateMany({ where: { id: options.inviteId, acceptedAt: null, revokedAt: null }, data: { revokedAt: new Date() } });
  if (res.count !== 1) throw AppError.notFound("Open invite");
}
