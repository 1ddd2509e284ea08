import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";

/** The projects the caller may see: all for admins, their memberships for everyone else. */
export function listProjects(options: { user: TSessionUser }) {
  const { user } = options;
  return db.project.findMany({
    where: { archived: false, ...(user.role === "ADMIN" ? {} : { members: { some: { userId: user.id } } }) },
    orderBy: { createdAt: "desc" },
    select: {
      id: true, name: true, createdAt: true, responsesPerTask: true, labelsPerItem: true,
      _count: { select: { prompts: true, members: true, modelVersions: true } },
    },
  });
}
