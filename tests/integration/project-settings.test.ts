import { beforeAll, describe, expect, it } from "vitest";
import { db, type TaskKind } from "@/lib/db";
import * as projects from "@/app/api/v1/projects/route";
import * as projectById from "@/app/api/v1/projects/[id]/route";
import { apiRequest, createMember, createProject, createUser, routeContext, type TTestUser } from "../helpers/factories";

// Project settings: every setting chosen at creation and changed afterwards by an admin, with what the
// change does to open tasks said before it is saved.

let admin: TTestUser;

beforeAll(async () => {
  admin = await createUser({ role: "ADMIN" });
});

async function patch(projectId: string, json: unknown, token: string, query = "") {
  const res = await projectById.PATCH(apiRequest(`/api/v1/projects/${projectId}${query}`, { method: "PATCH", token, json }), routeContext({ id: projectId }));
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function openTasks(projectId: string, kinds: TaskKind[]) {
  for (const [i, kind] of kinds.entries()) {
    const prompt = await db.prompt.create({ data: { projectId, text: `p${i} ${kind}`, contentHash: `${kind}-${i}-${Math.random()}` } });
    await db.task.create({ data: { projectId, promptId: prompt.id, kind } });
  }
}

describe("project settings", () => {
  it("admin creates a project with every setting, pairwise and review required included", async () => {
    const res = await projects.POST(
      apiRequest("/api/v1/projects", {
        method: "POST",
        token: admin.token,
        json: { name: "Pairs", guidelines: "Pick the kinder answer.", responsesPerTask: 2, labelsPerItem: 3, taskKinds: ["PAIRWISE"], flags: ["rude"], leaseMinutes: 15, reviewRequired: true },
      }),
    );
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    expect(await db.project.findUniqueOrThrow({ where: { id } })).toMatchObject({
      name: "Pairs", guidelines: "Pick the kinder answer.", responsesPerTask: 2, labelsPerItem: 3, taskKinds: ["PAIRWISE"], flags: ["rude"], leaseMinutes: 15, reviewRequired: true,
    });
  });

  it("invalid settings get 422 naming the field; unknown fields too", async () => {
    const p = await createProject();
    for (const [json, field] of [
      [{ responsesPerTask: 10 }, "responsesPerTask"],
      [{ labelsPerItem: 0 }, "labelsPerItem"],
      [{ taskKinds: [] }, "taskKinds"],
      [{ taskKinds: ["TRIPLE"] }, "taskKinds"],
      [{ leaseMinutes: 0 }, "leaseMinutes"],
      [{ reviewRequired: "yes" }, "reviewRequired"],
      [{ name: "   " }, "name"],
      [{ name: "a\u0000b" }, "name"],
      [{ colour: "red" }, "colour"],
      [{}, "(body)"],
    ] as const) {
      const r = await patch(p.id, json, admin.token);
      expect(r.status, JSON.stringify(json)).toBe(422);
      expect(JSON.stringify(r.body.issues)).toContain(field);
    }
    expect((await db.project.findUniqueOrThrow({ where: { id: p.id } })).responsesPerTask).toBe(4);
  });

  it("only admins change settings: reviewers and labelers of the project get 403, strangers' projects 404", async () => {
    const p = await createProject();
    const reviewer = await createMember(p.id, { role: "REVIEWER", projectRole: "REVIEWER" });
    const labeler = await createMember(p.id);
    expect((await patch(p.id, { responsesPerTask: 3 }, reviewer.token)).status).toBe(403);
    expect((await patch(p.id, { responsesPerTask: 3 }, labeler.token)).status).toBe(403);
    const anonymous = await projectById.PATCH(apiRequest(`/api/v1/projects/${p.id}`, { method: "PATCH", json: { responsesPerTask: 3 } }), routeContext({ id: p.id }));
    expect(anonymous.status).toBe(401);
    const deactivated = await createUser({ role: "ADMIN" });
    await db.user.update({ where: { id: deactivated.id }, data: { active: false } });
    expect((await patch(p.id, { responsesPerTask: 3 }, deactivated.token)).status).toBe(401);
    expect((await patch("no-such-project", { responsesPerTask: 3 }, admin.token)).status).toBe(404);
    expect((await db.project.findUniqueOrThrow({ where: { id: p.id } })).responsesPerTask).toBe(4);
  });

  it("changing K says how many open tasks keep their answers; dryRun saves nothing", async () => {
    const p = await createProject({ taskKinds: ["DEMONSTRATION", "RANKING"] });
    await openTasks(p.id, ["RANKING", "RANKING", "DEMONSTRATION"]);
    const dry = await patch(p.id, { responsesPerTask: 6 }, admin.token, "?dryRun=true");
    expect(dry.status).toBe(200);
    expect(dry.body.saved).toBe(false);
    expect(dry.body.impact.keptTasks).toBe(2);
    expect(dry.body.impact.messages.join(" ")).toMatch(/2 open tasks .* keep the answers they have/);
    expect((await db.project.findUniqueOrThrow({ where: { id: p.id } })).responsesPerTask).toBe(4);

    const saved = await patch(p.id, { responsesPerTask: 6, labelsPerItem: 2, reviewRequired: true, leaseMinutes: 45, guidelines: "New", flags: ["x"] }, admin.token);
    expect(saved.status).toBe(200);
    expect(saved.body.saved).toBe(true);
    expect(saved.body.project).toMatchObject({ responsesPerTask: 6, labelsPerItem: 2, reviewRequired: true, leaseMinutes: 45, guidelines: "New", flags: ["x"] });
    // Open tasks keep the target they were made with.
    expect((await db.task.findMany({ where: { projectId: p.id } })).map((t) => [t.status, t.labelsNeeded])).toEqual([["OPEN", 1], ["OPEN", 1], ["OPEN", 1]]);
  });

  it("removing a task kind closes its open tasks, and says so first", async () => {
    const p = await createProject({ taskKinds: ["DEMONSTRATION", "RANKING", "PAIRWISE"] });
    await openTasks(p.id, ["PAIRWISE", "PAIRWISE", "PAIRWISE", "RANKING"]);
    const dry = await patch(p.id, { taskKinds: ["DEMONSTRATION", "RANKING"] }, admin.token, "?dryRun=true");
    expect(dry.body.impact.closedTasks).toBe(3);
    expect(dry.body.impact.messages[0]).toMatch(/Removing pairwise closes its 3 open tasks/);
    expect(await db.task.count({ where: { projectId: p.id, status: "OPEN" } })).toBe(4);

    const saved = await patch(p.id, { taskKinds: ["DEMONSTRATION", "RANKING"] }, admin.token);
    expect(saved.body.impact.closedTasks).toBe(3);
    const tasks = await db.task.findMany({ where: { projectId: p.id }, select: { kind: true, status: true } });
    expect(tasks.filter((t) => t.kind === "PAIRWISE").every((t) => t.status === "CLOSED")).toBe(true);
    expect(tasks.find((t) => t.kind === "RANKING")?.status).toBe("OPEN");
  });
});
