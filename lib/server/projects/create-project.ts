import "server-only";
import { db } from "@/lib/db";
import type { TCreateProjectRequest } from "@/lib/schemas/projects";

export async function createProject(options: { createdById: string; request: TCreateProjectRequest }) {
  const { request } = options;
  return db.project.create({
    data: {
      name: request.name,
      guidelines: request.guidelines ?? "",
      responsesPerTask: request.responsesPerTask ?? 4,
      labelsPerItem: request.labelsPerItem ?? 1,
      ...(request.taskKinds ? { taskKinds: request.taskKinds } : {}),
      ...(request.flags ? { flags: request.flags } : {}),
      createdById: options.createdById,
    },
    select: { id: true, name: true },
  });
}
