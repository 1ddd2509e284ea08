import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { importPrompts } from "@/lib/server/import/import-prompts";
import { claimNextTask } from "@/lib/server/labeling/claim-next-task";
import { submitTask } from "@/lib/server/labeling/submit-task";
import { POST as undoRoute } from "@/app/api/v1/tasks/[id]/undo/route";
import { POST as skipRoute } from "@/app/api/v1/tasks/[id]/skip/route";
import { POST as reviewRoute } from "@/app/api/v1/labels/[kind]/[id]/review/route";
import { POST as promoteRoute } from "@/app/api/v1/models/[id]/promote/route";
import { POST as rollbackRoute } from "@/app/api/v1/projects/[id]/rollback/route";
import { PATCH as updateUserRoute } from "@/app/api/v1/users/[id]/route";
import { apiRequest, createMember, createProject, createUser, jsonlOf, routeContext, streamOf, type TTestUser } from "../helpers/factories";

// Every check inside the transaction that acts on it: ten identical requests fired at once (in parallel,
// against the real database) have exactly one effect; the others are told why not (409).

const N = 10;

function statuses(responses: Response[]) {
  const count: Record<number, number> = {};
  for (const r of responses) count[r.status] = (count[r.status] ?? 0) + 1;
  return count;
}

/** A demonstration task needing 2 labels, labelled by two labelers. */
async function twiceLabelled() {
  const admin = await createUser({ role: "ADMIN" });
  const project = await createProject({ labelsPerItem: 2, taskKinds: ["DEMONSTRATION"] });
  await importPrompts({
    projectId: project.id, createdById: admin.id, fileName: "seed", mode: "all_or_nothing", format: "jsonl",
    source: streamOf(jsonlOf([{ prompt: `Race ${crypto.randomUUID()}` }])),
  });
  const a = await createMember(project.id);
  const b = await createMember(project.id);
  const ta = await claimNextTask({ user: a, projectId: project.id });
  const tb = await claimNextTask({ user: b, projectId: project.id });
  expect(tb!.id).toBe(ta!.id);
  const la = await submitTask({ user: a, taskId: ta!.id, request: { text: "First answer." } });
  await submitTask({ user: b, taskId: ta!.id, request: { text: "Second answer." } });
  const task = await db.task.findUniqueOrThrow({ where: { id: ta!.id } });
  expect([task.labelsDone, task.status]).toEqual([2, "COMPLETE"]);
  return { admin, project, a, b, taskId: ta!.id, labelId: la.labelId };
}

describe("races", () => {
  it("ten parallel undos of one submission: one 200, nine 409, the count goes 2 -> 1 and the other label stays", async () => {
    const { project, a, b, taskId } = await twiceLabelled();
    const res = await Promise.all(
      Array.from({ length: N }, () => undoRoute(apiRequest(`/api/v1/tasks/${taskId}/undo`, { method: "POST", token: a.token }), routeContext({ id: taskId }))),
    );
    expect(statuses(res)).toEqual({ 200: 1, 409: N - 1 });
    const task = await db.task.findUniqueOrThrow({ where: { id: taskId } });
    expect([task.labelsDone, task.status]).toEqual([1, "OPEN"]);
    expect(await db.demonstration.count({ where: { taskId } })).toBe(1);
    expect(await db.demonstration.count({ where: { taskId, userId: b.id } })).toBe(1);
    expect(await db.response.count({ where: { prompt: { projectId: project.id }, source: "HUMAN" } })).toBe(1);
    // Resubmitting brings it back to 2 live labels for 2 wanted, never 3.
    await submitTask({ user: a, taskId, request: { text: "First answer, again." } });
    const after = await db.task.findUniqueOrThrow({ where: { id: taskId } });
    expect([after.labelsDone, after.status]).toEqual([2, "COMPLETE"]);
    expect(await db.demonstration.count({ where: { taskId } })).toBe(2);
  });

  it("a submit and a skip of one lease at once: the lease ends either submitted with its label or skipped without one", async () => {
    const admin = await createUser({ role: "ADMIN" });
    const project = await createProject({ labelsPerItem: 1, taskKinds: ["DEMONSTRATION"] });
    const rows = Array.from({ length: N }, (_, i) => ({ prompt: `Skip race ${i} ${crypto.randomUUID()}` }));
    await importPrompts({ projectId: project.id, createdById: admin.id, fileName: "seed", mode: "all_or_nothing", format: "jsonl", source: streamOf(jsonlOf(rows)) });
    const labelers = await Promise.all(Array.from({ length: N }, () => createMember(project.id)));
    const tasks = await Promise.all(labelers.map((user) => claimNextTask({ user, projectId: project.id })));
    await Promise.all(
      labelers.map((user, i) => {
        const id = tasks[i]!.id;
        return Promise.all([
          submitTask({ user, taskId: id, request: { text: "An answer." } }).catch(() => null),
          skipRoute(apiRequest(`/api/v1/tasks/${id}/skip`, { method: "POST", token: user.token, json: { reason: "unsure" } }), routeContext({ id })),
        ]);
      }),
    );
    for (const [i, user] of labelers.entries()) {
      const a = await db.taskAssignment.findFirstOrThrow({ where: { taskId: tasks[i]!.id, userId: user.id } });
      const labels = await db.demonstration.count({ where: { assignmentId: a.id } });
      expect([a.status, labels]).toEqual(labels ? ["SUBMITTED", 1] : ["SKIPPED", 0]);
    }
  });

  it("ten parallel rejects of one label: one 200, the count goes 2 -> 1 once, one review row", async () => {
    const { project, taskId, labelId } = await twiceLabelled();
    const reviewer = await createMember(project.id, { role: "REVIEWER", projectRole: "REVIEWER" });
    const res = await Promise.all(
      Array.from({ length: N }, () =>
        reviewRoute(
          apiRequest(`/api/v1/labels/demonstration/${labelId}/review`, { method: "POST", token: reviewer.token, json: { decision: "reject", comment: "off topic" } }),
          routeContext({ kind: "demonstration", id: labelId }),
        ),
      ),
    );
    expect(statuses(res)).toEqual({ 200: 1, 409: N - 1 });
    const conflict = await res.find((r) => r.status === 409)!.json();
    expect(conflict.error).toMatch(/already rejected/);
    const task = await db.task.findUniqueOrThrow({ where: { id: taskId } });
    expect([task.labelsDone, task.status]).toEqual([1, "OPEN"]);
    expect(await db.labelReview.count({ where: { demonstrationId: labelId } })).toBe(1);
    // A later, different decision still works: accepting it again counts it once more.
    const accept = await reviewRoute(
      apiRequest(`/api/v1/labels/demonstration/${labelId}/review`, { method: "POST", token: reviewer.token, json: { decision: "accept" } }),
      routeContext({ kind: "demonstration", id: labelId }),
    );
    expect(accept.status).toBe(200);
    expect((await db.task.findUniqueOrThrow({ where: { id: taskId } })).labelsDone).toBe(2);
  });

  async function registry() {
    const admin = await createUser({ role: "ADMIN" });
    const project = await createProject();
    const version = (name: string, extra: Record<string, unknown> = {}) =>
      db.modelVersion.create({ data: { projectId: project.id, name, kind: "POLICY", algorithm: "ppo", status: "APPROVED", ...extra } });
    return { admin, project, version };
  }
  const promote = (admin: TTestUser, id: string) => promoteRoute(apiRequest(`/api/v1/models/${id}/promote`, { method: "POST", token: admin.token }), routeContext({ id }));

  it("promotes racing: two versions promoted at once leave exactly one PRODUCTION; one version promoted ten times is promoted once", async () => {
    const { admin, project, version } = await registry();
    const v1 = await version("v1");
    const v2 = await version("v2");
    const res = await Promise.all(Array.from({ length: N }, (_, i) => promote(admin, i % 2 ? v1.id : v2.id)));
    expect(res.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    expect(await db.modelVersion.count({ where: { projectId: project.id, status: "PRODUCTION" } })).toBe(1);

    const other = await registry();
    const v3 = await other.version("v3");
    const same = await Promise.all(Array.from({ length: N }, () => promote(other.admin, v3.id)));
    expect(statuses(same)).toEqual({ 200: 1, 409: N - 1 });
    expect(await db.auditLog.count({ where: { action: "model.promote", target: v3.id } })).toBe(1);
  });

  it("rollbacks and promotes racing: always exactly one PRODUCTION version, each rollback one step back", async () => {
    const { admin, project, version } = await registry();
    const t = Date.now();
    const old = await version("old", { promotedAt: new Date(t - 3000) });
    const mid = await version("mid", { promotedAt: new Date(t - 2000) });
    const cur = await version("cur", { status: "PRODUCTION", promotedAt: new Date(t - 1000) });
    const res = await Promise.all(
      Array.from({ length: N }, () => rollbackRoute(apiRequest(`/api/v1/projects/${project.id}/rollback`, { method: "POST", token: admin.token }), routeContext({ id: project.id }))),
    );
    // Applied one after another: cur -> mid -> old, then nothing earlier is left.
    expect(statuses(res)).toEqual({ 200: 2, 409: N - 2 });
    const rows = await db.modelVersion.findMany({ where: { projectId: project.id }, select: { id: true, status: true } });
    const status = Object.fromEntries(rows.map((r) => [r.id, r.status]));
    expect([status[old.id], status[mid.id], status[cur.id]]).toEqual(["PRODUCTION", "APPROVED", "APPROVED"]);
    expect(await db.auditLog.count({ where: { action: "model.rollback", data: { path: ["projectId"], equals: project.id } } })).toBe(2);

    // Promotes and rollbacks interleaved.
    const mixed = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        i % 2 ? promote(admin, [mid.id, cur.id][i % 4 === 1 ? 0 : 1]) : rollbackRoute(apiRequest(`/api/v1/projects/${project.id}/rollback`, { method: "POST", token: admin.token }), routeContext({ id: project.id })),
      ),
    );
    expect(mixed.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    expect(await db.modelVersion.count({ where: { projectId: project.id, status: "PRODUCTION" } })).toBe(1);
  });

  it("two admins demoting (or deactivating) each other at once: one wins, the loser is no longer an admin when its request is applied", async () => {
    for (const change of [{ role: "LABELER" }, { active: false }] as const) {
      const x = await createUser({ role: "ADMIN" });
      const y = await createUser({ role: "ADMIN" });
      const patch = (actor: TTestUser, target: TTestUser) =>
        updateUserRoute(apiRequest(`/api/v1/users/${target.id}`, { method: "PATCH", token: actor.token, json: change }), routeContext({ id: target.id }));
      const res = await Promise.all(Array.from({ length: N }, (_, i) => (i % 2 ? patch(x, y) : patch(y, x))));
      // Only one of the two admins gets their way (repeating an applied change is a harmless 200).
      const winners = new Set(res.map((r, i) => (r.status === 200 ? i % 2 : null)).filter((w) => w !== null));
      expect(winners.size).toBe(1);
      expect(res.every((r) => r.status === 200 || r.status === 401 || r.status === 403)).toBe(true);
      expect(await db.user.count({ where: { id: { in: [x.id, y.id] }, role: "ADMIN", active: true } })).toBe(1);
      await db.user.updateMany({ where: { id: { in: [x.id, y.id] } }, data: { active: false } });
    }
  });
});
