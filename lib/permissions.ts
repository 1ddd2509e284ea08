import "server-only";
import { Prisma, sqlQuery } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";

// Project scope. ADMIN may do everything everywhere. Others act only in projects they are members of:
// any member views and labels; reviewing needs the REVIEWER role (global, or the project membership's);
// managing a project (settings, imports, training) is for admins.
export type TProjectAccess = "view" | "label" | "review" | "manage";

export type TProjectPermission = { projectId: string; canLabel: boolean; canReview: boolean; canManage: boolean };

export async function getProjectPermission(user: TSessionUser, projectId: string): Promise<TProjectPermission | null> {
  // One indexed query in plain SQL (this is on every labeling call): the project and the caller's membership.
  const [row] = await sqlQuery<{ memberRole: string | null }>(Prisma.sql`
    SELECT (SELECT m.role::text FROM "ProjectMember" m WHERE m."projectId" = p.id AND m."userId" = ${user.id}) AS "memberRole"
    FROM "Project" p WHERE p.id = ${projectId}`);
  return projectPermissionFrom(user, projectId, row ? { memberRole: row.memberRole } : null);
}

/**
 * The caller's permission from an already loaded project row (null: no such project) and their membership
 * role in it (null: not a member), for hot paths that read both in a query they make anyway. Same rules as
 * `getProjectPermission`.
 */
export function projectPermissionFrom(
  user: TSessionUser,
  projectId: string,
  project: { memberRole: string | null } | null,
): TProjectPermission | null {
  if (!project) return null;
  if (user.role === "ADMIN") return { projectId, canLabel: true, canReview: true, canManage: true };
  if (!project.memberRole) return null;
  const canReview = user.role === "REVIEWER" || project.memberRole === "REVIEWER";
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
  return checkProjectAccess(await getProjectPermission(user, projectId), access);
}

/** `requireProjectAccess`'s checks on a permission computed by `projectPermissionFrom`. */
export function checkProjectAccess(perm: TProjectPermission | null, access: TProjectAccess): TProjectPermission {
  if (!perm) throw AppError.notFound("Project");
  if (access === "label" && !perm.canLabel) throw AppError.forbidden("You may not label in this project");
  if (access === "review" && !perm.canReview) throw AppError.forbidden("Reviewing this project needs the REVIEWER role");
  if (access === "manage" && !perm.canManage) throw AppError.forbidden("Managing this project needs the ADMIN role");
  return perm;
}
