import "server-only";
import { db, type Prisma } from "@/lib/db";

type TClient = Prisma.TransactionClient | typeof db;

/**
 * Ends sessions: one (`sessionId`, at sign-out), or all of a user's (`userId`), except `exceptSessionId`
 * (the caller's own, when they change their password). Ended sessions are refused from then on.
 */
export async function endAuthSessions(
  options: { sessionId: string } | { userId: string; exceptSessionId?: string | null },
  client: TClient = db,
): Promise<number> {
  const where: Prisma.AuthSessionWhereInput =
    "sessionId" in options
      ? { id: options.sessionId }
      : { userId: options.userId, ...(options.exceptSessionId ? { id: { not: options.exceptSessionId } } : {}) };
  const ended = await client.authSession.updateMany({ where: { ...where, endedAt: null }, data: { endedAt: new Date() } });
  return ended.count;
}
