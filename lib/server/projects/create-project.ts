import "server-only";
import { db } from "@/lib/db";
import type { TCreateProjectRequest } from "@/lib/schemas/projects";

/** A new project with every setting the admin chose; the rest keep the schema's defaults. */
export async function createProject(options: { createdById: string; request: TCreateProjectRequest }) {
  const { name, ...settings } = options.request;
  return db.project.create({
    data: { name, ...settings, createdById: options.createdById },
    select: { id: true, name: true },
  });
}
