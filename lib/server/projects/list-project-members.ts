import "server-only";
import { db } from "@/lib/db";

export function listProjectMembers(options: { projectId: string }) {
  return db.projectMember.findMany({
    where: { projectId: options.projectId },
    orderBy: { createdAt: "asc" },
    select: { role: true, createdAt: true, user: { select: { id: true, email: true, name: true, role: true, active: true } } },
  });
}
