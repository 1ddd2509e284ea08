import "server-only";
import { db } from "@/lib/db";

export function listApiTokens(options: { userId: string }) {
  return db.apiToken.findMany({
    where: { userId: options.userId },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true, expiresAt: true },
  });
}
