import "server-only";
import { db } from "@/lib/db";
import type { TScheduleView } from "@/lib/schemas/training";
import { toView } from "@/lib/server/schedules/update-schedule";

export async function getSchedule(options: { projectId: string }): Promise<TScheduleView> {
  const p = await db.project.findUniqueOrThrow({
    where: { id: options.projectId },
    select: { scheduleEnabled: true, scheduleCron: true, scheduleMinLabels: true, scheduleConfig: true, lastScheduledAt: true },
  });
  return toView(p);
}
