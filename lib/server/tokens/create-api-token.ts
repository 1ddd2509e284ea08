import "server-only";
import { db } from "@/lib/db";
import { hashToken, newSecretToken } from "@/lib/auth";

/** Creates a personal API token; the plain token is returned once and only its hash is stored. */
export async function createApiToken(options: { userId: string; name: string; expiresAt?: Date | null }) {
  const token = newSecretToken("rlhf");
  const row = await db.apiToken.create({
    data: { userId: options.userId, name: options.name, tokenHash: hashToken(token), prefix: token.slice(0, 10), expiresAt: options.expiresAt ?? null },
    select: { id: true, name: true, prefix: true, createdAt: true },
  });
  return { ...row, token };
}
