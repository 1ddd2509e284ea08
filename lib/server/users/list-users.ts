import "server-only";
import { db } from "@/lib/db";

export async function listUsers() {
  return db.user.findMany({
    orderBy: { createdAt: "asc" },
    select: {
      id: true, email: true, name: true, role: true, active: true, createdAt: true, lastLoginAt: true,
      memberships: { select: { projectId: true, role: true, project: { select: { name: true } } } },
    },
  });
}
