import "server-only";
import { redirect } from "next/navigation";
import type { Role } from "@/lib/db";
import { getSessionUser, hasRole, type TSessionUser } from "@/lib/auth";

/**
 * The signed-in user of a page. Layouts and pages render in parallel, so every page checks for itself:
 * anonymous callers go to /login, callers without the role go home.
 */
export async function requirePageUser(role?: Role): Promise<TSessionUser> {
  const user = await getSessionUser();
  if (!user) redirect("/login");
  if (role && !hasRole(user.role, role)) redirect("/");
  return user;
}
