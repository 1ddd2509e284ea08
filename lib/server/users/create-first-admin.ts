import "server-only";
import { db } from "@/lib/db";
import { hashPassword } from "@/lib/auth";
import { AppError } from "@/lib/errors";

/**
 * The one-time set-up: creates the first admin only while no user exists. A transaction-level advisory
 * lock makes two simultaneous set-ups create one admin, not two.
 */
export async function createFirstAdmin(options: { email: string; password: string; name?: string }) {
  const passwordHash = await hashPassword(options.password);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(4242001)`;
    if ((await tx.user.count()) > 0) throw new AppError("CONFLICT", "Set-up is already done: sign in instead");
    return tx.user.create({
      data: { email: options.email.trim().toLowerCase(), name: options.name ?? null, role: "ADMIN", passwordHash },
      select: { id: true, email: true, role: true },
    });
  });
}
