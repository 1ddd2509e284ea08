import "server-only";
import { db } from "@/lib/db";

/** Opens a browser session at sign-in; its id travels in the JWT (`sid`) and sign-out ends it. */
export async function startAuthSession(options: { userId: string; maxAgeSeconds: number; ip?: string | null; userAgent?: string | null }) {
  return db.authSession.create({
    data: {
      userId: options.userId,
      expiresAt: new Date(Date.now() + options.maxAgeSeconds * 1000),
      ip: options.ip ?? null,
      userAgent: options.userAgent?.slice(0, 300) ?? null,
    },
    select: { id: true, expiresAt: true },
  });
}
