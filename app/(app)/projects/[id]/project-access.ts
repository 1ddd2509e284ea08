import "server-only";
import { cache } from "react";
import { notFound, redirect } from "next/navigation";
import { requirePageUser } from "@/lib/session";
import { getProject } from "@/lib/server/projects/get-project";
import { isAppError } from "@/lib/errors";

/**
 * The signed-in user and the project, for every page under /projects/{id}. Outsiders get 404 (as the
 * API does); a member without the right for a page goes back to the overview. Cached per request, so
 * the layout and the page share one query.
 */
export const loadProject = cache(async (projectId: string) => {
  const user = await requirePageUser();
  const project = await getProject({ user, projectId }).catch((err) => {
    if (isAppError(err) && err.code === "NOT_FOUND") notFound();
    throw err;
  });
  return { user, project };
});

export async function requireProjectPage(projectId: string, need: "label" | "review" | "manage" = "label") {
  const loaded = await loadProject(projectId);
  const p = loaded.project.permission;
  const ok = need === "label" ? p.canLabel : need === "review" ? p.canReview : p.canManage;
  if (!ok) redirect(`/projects/${projectId}`);
  return loaded;
}
