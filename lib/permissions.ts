import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";

// Project scope. ADMIN may do everything everywhere. Others act only in projects they are members of:
// any member views and labels; reviewing needs the REVIEWER role (global, or the project membership's);
// managing a project (settings, imports, training) is for admins.
export type TProjectAccess = "view" | "label" | "review" | "manage";

export type TProjectPermission = { projectId: string; canLabel: boolean; canReview: boolean; canManage: boolean };

export async function getProjectPermission(user: TSessionUser, projectId: string): Promise<TProjectPermission | null> {
  // One query: the project and, for non-admins, the caller's membership in it.
  const project = await db.project.findUnique({
    where: { id: projectId },
    select: { id: true, members: user.role === "ADMIN" ? false : { where: { userId: user.id }, select: { role: true } } },
  });
  if (!project) return null;
  if (user.role === "ADMIN") return { projectId, canLabel: true, canReview: true, canManage: true };
  const member = project.members?.[0];
  if (!member) return null;
  const canReview = user.role === "REVIEWER" || member.role === "REVIEWER";
  return { projectId, canLabel: true, canReview, canManage: false };
}

/**
 * Throws NOT_FOUND when the project does not exist or the caller is not a member (so outsiders cannot
 * probe which projects exist), FORBIDDEN when they are a member without the needed right.
 */
export async function requireProjectAccess(
  user: TSessionUser,
  projectId: string,
  access: TProjectAccess,
): Promise<TProjectPermission> {
  const perm = await getProjectPermission(user, projectId);
  if (!perm) throw AppError.notFound("Project");
  if (access === "label" && !perm.canLabel) throw AppError.forbidden("You may not label in this project");
  if (access === "review" && !perm.canReview) throw AppError.forbidden("Reviewing this project needs the REVIEWER role");
  if (access === "manage" && !perm.canManage) throw AppError.forbidden("Managing this project needs the ADMIN role");
  return perm;
}
