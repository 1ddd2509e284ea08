import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";

export async function removeProjectMember(options: { projectId: string; userId: string }) {
  const res = await db.projectMember.deleteMany({ where: { projectId: options.projectId, userId: options.userId } });
  if (res.count === 0) throw AppError.notFound("Membership");
}
