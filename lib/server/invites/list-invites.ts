import "server-only";
import { db } from "@/lib/db";

export function listInvites() {
  return db.invite.findMany({
    orderBy: { createdAt: "desc" },
    take: 100,
    select: { id: true, email: true, role: true, createdAt: true, expiresAt: true, acceptedAt: true, revokedAt: true, project: { select: { name: true } } },
  });
}
