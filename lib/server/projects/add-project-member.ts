import "server-only";
import { db, type ProjectRole } from "@/lib/db";
import { AppError } from "@/lib/errors";

export async function addProjectMember(options: { projectId: string; userId?: string; email?: string; role: ProjectRole }) {
  const project = await db.project.findUnique({ where: { id: options.projectId }, select: { id: true } });
  if (!project) throw AppError.notFound("Project");
  const user = await db.user.findFirst({
    where: options.userId ? { id: options.userId } : { email: options.email?.toLowerCase() },
    select: { id: true, email: true },
  });
  if (!user) throw AppError.notFound("User");
  return db.projectMember.upsert({
    where: { projectId_userId: { projectId: project.id, userId: user.id } },
    create: { projectId: project.id, userId: user.id, role: options.role },
    update: { role: options.role },
    select: { projectId: true, userId: true, role: true },
  });
}
