import "server-only";
import { db } from "@/lib/db";
import type { TScheduleConfig } from "@/lib/schemas/training";
import { createRun } from "@/lib/server/runs/create-run";
import { cronDue } from "@/lib/server/schedules/cron";

/**
 * Accepted labels (demonstrations, rankings, pairwise) of a project that became accepted after `since`:
 * created then (accepted on submission), or accepted / corrected by a reviewer then (a project that
 * requires review holds new labels PENDING, so they count once reviewed). Same statuses as snapshots.
 */
export async function countNewLabels(projectId: string, since: Date): Promise<number> {
  const where = {
    task: { projectId },
    status: { in: ["ACCEPTED", "CORRECTED"] as ("ACCEPTED" | "CORRECTED")[] },
    OR: [{ createdAt: { gt: since } }, { reviews: { some: { decision: { in: ["accept", "correct"] }, createdAt: { gt: since } } } }],
  };
  const [d, r, p] = await Promise.all([db.demonstration.count({ where }), db.ranking.count({ where }), db.pairwiseLabel.count({ where })]);
  return d + r + p;
}

/** The version a scheduled round starts from: the fixed one, else production, else the newest SFT or BASE. */
async function startingVersion(projectId: string, config: TScheduleConfig): Promise<string | undefined> {
  if (config.fromVersionId) return config.fromVersionId;
  if (config.stages[0] === "pretrain") return undefined;
  const prod = await db.modelVersion.findFirst({ where: { projectId, status: "PRODUCTION" }, select: { id: true } });
  if (prod) return prod.id;
  const v = await db.modelVersion.findFirst({ where: { projectId, kind: { in: ["SFT", "BASE"] }, artifactPath: { not: null } }, orderBy: { createdAt: "desc" }, select: { id: true } });
  return v?.id;
}

/**
 * Run by the worker every minute: for each project with an enabled schedule and no round in progress,
 * queues a round (trigger "schedule") when a cron slot passed since the last one, or (trigger
 * "label_trigger") when at least minNewLabels accepted labels arrived since then. Returns the runs queued.
 */
export async function evaluateSchedules(options: { now?: Date; projectId?: string; log?: (l: string) => void } = {}) {
  const now = options.now ?? new Date();
  const projects = await db.project.findMany({
    where: { scheduleEnabled: true, archived: false, ...(options.projectId ? { id: options.projectId } : {}) },
    select: { id: true, scheduleCron: true, scheduleMinLabels: true, scheduleConfig: true, lastScheduledAt: true, createdById: true },
  });
  const queued: { projectId: string; runId: string; trigger: "schedule" | "label_trigger" }[] = [];
  for (const p of projects) {
    const config = p.scheduleConfig as TScheduleConfig | null;
    if (!config?.stages?.length) continue;
    const busy = await db.trainingRun.count({ where: { projectId: p.id, status: { in: ["QUEUED", "RUNNING"] } } });
    if (busy) continue;
    const since = p.lastScheduledAt ?? new Date(config.enabledAt ?? 0);
    let trigger: "schedule" | "label_trigger" | null = null;
    try {
      if (p.scheduleCron && cronDue(p.scheduleCron, since, now)) trigger = "schedule";
    } catch (err) {
      options.log?.(`project ${p.id}: ${(err as Error).message}`);
    }
    if (!trigger && p.scheduleMinLabels && (await countNewLabels(p.id, since)) >= p.scheduleMinLabels) trigger = "label_trigger";
    if (!trigger) continue;
    // Claim the slot first, so two workers never queue the same round.
    const claimed = await db.project.updateMany({ where: { id: p.id, lastScheduledAt: p.lastScheduledAt }, data: { lastScheduledAt: now } });
    if (!claimed.count) continue;
    try {
      const fromVersionId = await startingVersion(p.id, config);
      const run = await createRun({
        projectId: p.id,
        createdById: p.createdById,
        trigger,
        request: { stages: config.stages, preset: config.preset, config: config.config, fromVersionId, freezeLabels: true },
      });
      queued.push({ projectId: p.id, runId: run.id, trigger });
      options.log?.(`project ${p.id}: queued run ${run.id} (${trigger})`);
    } catch (err) {
      options.log?.(`project ${p.id}: scheduled round not queued: ${(err as Error).message}`);
    }
  }
  return queued;
}
