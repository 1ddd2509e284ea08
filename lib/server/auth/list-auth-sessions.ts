import "server-only";
import { db } from "@/lib/db";

/** The caller's open browser sessions, newest first; `current` marks the one the request came with. */
export async function listAuthSessions(options: { userId: string; currentSessionId: string | null }) {
  const rows = await db.authSession.findMany({
    where: { userId: options.userId, endedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: "desc" },
    select: { id: true, createdAt: true, expiresAt: true, ip: true, userAgent: true },
  });
  return rows.map((s) => ({ ...s, current: s.id === options.currentSessionId }));
}
