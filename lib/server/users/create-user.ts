import "server-only";
import { db, type Role } from "@/lib/db";
import { hashPassword } from "@/lib/auth";
import { AppError } from "@/lib/errors";

export async function createUser(options: { email: string; password: string; role: Role; name?: string | null }) {
  const email = options.email.trim().toLowerCase();
  const existing = await db.user.findUnique({ where: { email }, select: { id: true } });
  if (existing) throw new AppError("CONFLICT", `A user with email ${email} already exists`);
  return db.user.create({
    data: { email, name: options.name ?? null, role: options.role, passwordHash: await hashPassword(options.password) },
    select: { id: true, email: true, name: true, role: true, active: true, createdAt: true },
  });
}
