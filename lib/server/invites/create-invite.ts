import "server-only";
import { db } from "@/lib/db";
import { hashToken, newSecretToken } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import type { TCreateInviteRequest } from "@/lib/schemas/accounts";

/** An invitation link carrying a one-time token (no mail server needed: the admin passes the link on). */
export async function createInvite(options: { createdById: string; request: TCreateInviteRequest }) {
  const { email, role, projectId, expiresInDays } = options.request;
  if (await db.user.findUnique({ where: { email }, select: { id: true } })) {
    throw new AppError("CONFLICT", `${email} already has an account`);
  }
  if (projectId && !(await db.project.findUnique({ where: { id: projectId }, select: { id: true } }))) {
    throw AppError.notFound("Project");
  }
  const token = newSecretToken("inv");
  const invite = await db.invite.create({
    data: {
      email, role, projectId: projectId ?? null, tokenHash: hashToken(token), createdById: options.createdById,
      expiresAt: new Date(Date.now() + expiresInDays * 86_400_000),
    },
    select: { id: true, email: true, role: true, projectId: true, expiresAt: true },
  });
  return { ...invite, token, path: `/invite/${token}` };
}
