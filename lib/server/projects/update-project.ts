import "server-only";
import { db, type Prisma } from "@/lib/db";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import type { TSettingsImpact, TTaskKind, TUpdateProjectRequest } from "@/lib/schemas/projects";

type Tx = Prisma.TransactionClient;
type TCurrent = { responsesPerTask: number; labelsPerItem: number; taskKinds: TTaskKind[]; reviewRequired: boolean; leaseMinutes: number; flags: string[] };

const SETTINGS_SELECT = {
  id: true, name: true, guidelines: true, responsesPerTask: true, labelsPerItem: true, taskKinds: true, flags: true,
  leaseMinutes: true, reviewRequired: true,
} as const;

const tasks = (n: number) => `${n} open task${n === 1 ? "" : "s"}`;

/**
 * What a change does to the open tasks, in sentences for the confirm dialog. Open tasks keep the answers
 * (K) and the label target they were created with; new imports and candidates use the new values. Open
 * tasks of a removed kind are closed: labelers no longer get them, labels already given stay.
 */
async function settingsImpact(tx: Tx, projectId: string, current: TCurrent, request: TUpdateProjectRequest): Promise<TSettingsImpact> {
  const messages: string[] = [];
  let closedTasks = 0;
  let keptTasks = 0;
  const removed = request.taskKinds ? current.taskKinds.filter((k) => !request.taskKinds!.includes(k)) : [];
  if (removed.length) {
    closedTasks = await tx.task.count({ where: { projectId, status: "OPEN", kind: { in: removed } } });
    messages.push(`Removing ${removed.map((k) => k.toLowerCase()).join(" and ")} closes its ${tasks(closedTasks)}: labelers no longer get them; labels already given are kept.`);
  }
  const added = request.taskKinds ? request.taskKinds.filter((k) => !current.taskKinds.includes(k)) : [];
  if (added.length) messages.push(`New ${added.map((k) => k.toLowerCase()).join(" and ")} tasks are made for prompts imported from now on (existing prompts get none).`);
  if (request.responsesPerTask !== undefined && request.responsesPerTask !== current.responsesPerTask) {
    const n = await tx.task.count({ where: { projectId, status: "OPEN", kind: { in: ["RANKING", "PAIRWISE"] } } });
    keptTasks = Math.max(keptTasks, n);
    messages.push(`Answers per ranking ${current.responsesPerTask} → ${request.responsesPerTask}: ${tasks(n)} (ranking/pairwise) keep the answers they have; only tasks made from new imports and candidates use ${request.responsesPerTask}.`);
  }
  if (request.labelsPerItem !== undefined && request.labelsPerItem !== current.labelsPerItem) {
    const n = await tx.task.count({ where: { projectId, status: "OPEN" } });
    keptTasks = Math.max(keptTasks, n);
    messages.push(`Labels per item ${current.labelsPerItem} → ${request.labelsPerItem}: ${tasks(n)} keep their current target; only new tasks want ${request.labelsPerItem}.`);
  }
  if (request.reviewRequired !== undefined && request.reviewRequired !== current.reviewRequired) {
    messages.push(request.reviewRequired
      ? "Review required: new labels wait for a reviewer before they reach training; labels already accepted stay accepted."
      : "Review no longer required: new labels are accepted unreviewed; labels waiting for review still wait.");
  }
  if (request.leaseMinutes !== undefined && request.leaseMinutes !== current.leaseMinutes) {
    messages.push(`Leases ${current.leaseMinutes} → ${request.leaseMinutes} minutes: tasks already leased keep their expiry.`);
  }
  const droppedFlags = request.flags ? current.flags.filter((f) => !request.flags!.includes(f)) : [];
  if (droppedFlags.length) messages.push(`Removed flags (${droppedFlags.join(", ")}) stay on labels that already have them but can no longer be set.`);
  return { messages, closedTasks, keptTasks };
}

/**
 * Changes a project's settings (admins). The caller's role, the project's current settings, the impact
 * and the write are read and done in one transaction with the project row locked, so the counts shown
 * are the tasks acted on. `dryRun` says what would happen and changes nothing.
 */
export async function updateProject(options: { user: TSessionUser; projectId: string; request: TUpdateProjectRequest; dryRun?: boolean }) {
  const { projectId, request } = options;
  return db.$transaction(async (tx) => {
    const caller = await tx.user.findUnique({ where: { id: options.user.id }, select: { role: true, active: true } });
    if (!caller?.active || caller.role !== "ADMIN") throw AppError.forbidden("Changing project settings needs the ADMIN role");
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Project" WHERE id = ${projectId} FOR UPDATE`;
    if (!locked.length) throw AppError.notFound("Project");
    const current = await tx.project.findUniqueOrThrow({ where: { id: projectId }, select: SETTINGS_SELECT });
    const impact = await settingsImpact(tx, projectId, current as TCurrent, request);
    if (options.dryRun) return { project: current, impact, saved: false };
    const removed = request.taskKinds ? current.taskKinds.filter((k) => !request.taskKinds!.includes(k)) : [];
    if (removed.length) await tx.task.updateMany({ where: { projectId, status: "OPEN", kind: { in: removed } }, data: { status: "CLOSED" } });
    const project = await tx.project.update({ where: { id: projectId }, data: request, select: SETTINGS_SELECT });
    return { project, impact, saved: true };
  });
}
