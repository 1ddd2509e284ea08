import "server-only";
import { db, type Prisma } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { TScheduleConfig, TScheduleRequest, TScheduleView } from "@/lib/schemas/training";
import { planStages } from "@/lib/server/runs/plan-stages";
import { assertCron } from "@/lib/server/schedules/cron";

/** Sets a project's periodic training (the caller manages the project). Off by default. */
export async function updateSchedule(options: { projectId: string; request: TScheduleRequest }): Promise<TScheduleView> {
  const { projectId, request } = options;
  if (request.cron) {
    try {
      assertCron(request.cron);
    } catch (err) {
      throw new AppError("INVALID_INPUT", (err as Error).message, [{ path: "cron", message: (err as Error).message }]);
    }
  }
  const from = request.fromVersionId ? await db.modelVersion.findFirst({ where: { id: request.fromVersionId, projectId }, select: { kind: true } }) : null;
  if (request.fromVersionId && !from) throw AppError.notFound("Starting version");
  // Without a fixed starting version the production policy (or the newest SFT/BASE) is used: any LM.
  planStages(request.stages, { fromKind: from?.kind ?? (request.stages[0] === "pretrain" ? null : "SFT") });
  const previous = await db.project.findUniqueOrThrow({ where: { id: projectId }, select: { scheduleEnabled: true, scheduleConfig: true } });
  const enabledAt = request.enabled && !previous.scheduleEnabled ? new Date().toISOString() : ((previous.scheduleConfig as TScheduleConfig | null)?.enabledAt ?? new Date().toISOString());
  const config: TScheduleConfig = { stages: request.stages, preset: request.preset, config: request.config, fromVersionId: request.fromVersionId, enabledAt };
  const p = await db.project.update({
    where: { id: projectId },
    data: { scheduleEnabled: request.enabled, scheduleCron: request.cron ?? null, scheduleMinLabels: request.minNewLabels ?? null, scheduleConfig: config as Prisma.InputJsonValue },
    select: { scheduleEnabled: true, scheduleCron: true, scheduleMinLabels: true, scheduleConfig: true, lastScheduledAt: true },
  });
  return toView(p);
}

export function toView(p: { scheduleEnabled: boolean; scheduleCron: string | null; scheduleMinLabels: number | null; scheduleConfig: unknown; lastScheduledAt: Date | null }): TScheduleView {
  return {
    enabled: p.scheduleEnabled,
    cron: p.scheduleCron,
    minNewLabels: p.scheduleMinLabels,
    config: (p.scheduleConfig as TScheduleConfig | null) ?? null,
    lastScheduledAt: p.lastScheduledAt?.toISOString() ?? null,
  };
}
