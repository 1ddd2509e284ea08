import "server-only";
import { db } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { requireProjectAccess } from "@/lib/permissions";

export async function getProject(options: { user: TSessionUser; projectId: string }) {
  const permission = await requireProjectAccess(options.user, options.projectId, "view");
  const project = await db.project.findUniqueOrThrow({
    where: { id: options.projectId },
    select: {
      id: true, name: true, guidelines: true, responsesPerTask: true, labelsPerItem: true, taskKinds: true,
      flags: true, leaseMinutes: true, reviewRequired: true, createdAt: true,
      _count: { select: { prompts: true, members: true, tasks: true, modelVersions: true, snapshots: true } },
    },
  });
  return { ...project, permission };
}
