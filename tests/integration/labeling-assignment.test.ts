import { describe, expect, it } from "vitest";
import { db, getPool, Prisma } from "@/lib/db";
import { importPrompts } from "@/lib/server/import/import-prompts";
import { claimNextTask, nextCandidateSql } from "@/lib/server/labeling/claim-next-task";
import { submitTask } from "@/lib/server/labeling/submit-task";
import { GET as nextRoute } from "@/app/api/v1/projects/[id]/tasks/next/route";
import { POST as submitRoute } from "@/app/api/v1/tasks/[id]/submit/route";
import { POST as skipRoute } from "@/app/api/v1/tasks/[id]/skip/route";
import { POST as undoRoute } from "@/app/api/v1/tasks/[id]/undo/route";
import { GET as getDraft, PUT as putDraft } from "@/app/api/v1/tasks/[id]/draft/route";
import { apiRequest, createMember, createProject, createUser, jsonlOf, routeContext, streamOf } from "../helpers/factories";

async function seed(options: { items: number; labelsPerItem: number; responses?: number; taskKinds?: ("RANKING" | "DEMONSTRATION" | "PAIRWISE")[]; leaseMinutes?: number }) {
  const admin = await createUser({ role: "ADMIN" });
  const project = await createProject({ labelsPerItem: options.labelsPerItem, taskKinds: options.taskKinds ?? ["RANKING"], leaseMinutes: options.leaseMinutes, responsesPerTask: 4 });
  const n = options.responses ?? 4;
  const rows = Array.from({ length: options.items }, (_, i) => ({
    prompt: `Question number ${i}: ${crypto.randomUUID()}`,
    responses: Array.from({ length: n }, (_, j) => `Answer ${j} to question ${i}`),
  }));
  await importPrompts({ projectId: project.id, createdById: admin.id, fileName: "seed", mode: "all_or_nothing", format: "jsonl", source: streamOf(jsonlOf(rows)) });
  return { admin, project };
}

const rankAll = (responses: { id: string }[]) => responses.map((r) => [r.id]);

describe("assignment", () => {
  it("30 labelers racing on 10 items needing 2 labels each: no item is over-labeled", async () => {
    const { project } = await seed({ items: 10, labelsPerItem: 2 });
    const labelers = await Promise.all(Array.from({ length: 30 }, () => createMember(project.id)));
    const claims = await Promise.all(labelers.map((user) => claimNextTask({ user, projectId: project.id })));
    const got = claims.filter((c) => c !== null);
    expect(got).toHaveLength(20);
    const perTask = new Map<string, number>();
    for (const c of got) perTask.set(c!.id, (perTask.get(c!.id) ?? 0) + 1);
    expect([...perTask.values()].every((v) => v === 2)).toBe(true);
    // Everyone who got a task submits; then the racing starts again for what is left: nothing.
    await Promise.all(got.map((c) => submitTask({ user: labelers[claims.indexOf(c)], taskId: c!.id, request: { ranking: rankAll(c!.responses), orderAction: "confirmed" } })));
    const again = await Promise.all(labelers.map((user) => claimNextTask({ user, projectId: project.id })));
    expect(again.every((c) => c === null)).toBe(true);
    const tasks = await db.task.findMany({ where: { projectId: project.id } });
    expect(tasks.every((t) => t.labelsDone === 2 && t.status === "COMPLETE")).toBe(true);
    expect(await db.ranking.count({ where: { task: { projectId: project.id } } })).toBe(20);
  });

  it("re-asking returns the caller's live lease; responses are shuffled per labeler but stable; no source is sent", async () => {
    const { project } = await seed({ items: 3, labelsPerItem: 3, responses: 6 });
    const a = await createMember(project.id);
    const first = await claimNextTask({ user: a, projectId: project.id });
    const again = await claimNextTask({ user: a, projectId: project.id });
    expect(again!.id).toBe(first!.id);
    expect(again!.responses).toEqual(first!.responses);
    expect(Object.keys(first!.responses[0]).sort()).toEqual(["id", "text"]);
    const json = JSON.stringify(first);
    expect(json).not.toMatch(/IMPORTED|source|authorId|modelVersionId/);
    // With 6 responses, at least one of 5 other labelers sees another order.
    const others = await Promise.all(Array.from({ length: 5 }, () => createMember(project.id)));
    const orders = await Promise.all(others.map(async (u) => (await claimNextTask({ user: u, projectId: project.id }))!.responses.map((r) => r.id).join()));
    expect(new Set([first!.responses.map((r) => r.id).join(), ...orders]).size).toBeGreaterThan(1);
  });

  it("an expired lease returns the task to the pool; submitting on it is refused", async () => {
    const { project } = await seed({ items: 1, labelsPerItem: 1 });
    const a = await createMember(project.id);
    const b = await createMember(project.id);
    const t = await claimNextTask({ user: a, projectId: project.id });
    expect(await claimNextTask({ user: b, projectId: project.id })).toBeNull();
    await db.taskAssignment.updateMany({ where: { taskId: t!.id, userId: a.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const tb = await claimNextTask({ user: b, projectId: project.id });
    expect(tb!.id).toBe(t!.id);
    const res = await submitRoute(apiRequest(`/api/v1/tasks/${t!.id}/submit`, { method: "POST", token: a.token, json: { ranking: rankAll(t!.responses), orderAction: "confirmed" } }), routeContext({ id: t!.id }));
    expect(res.status).toBe(409);
    expect((await res.json()).error).toMatch(/expired/);
  });

  it("GET tasks/next answers 204 when nothing is left and 422 for an unknown kind", async () => {
    const { project } = await seed({ items: 1, labelsPerItem: 1 });
    const a = await createMember(project.id);
    const none = await nextRoute(apiRequest(`/api/v1/projects/${project.id}/tasks/next?kind=demonstration`, { token: a.token }), routeContext({ id: project.id }));
    expect(none.status).toBe(204);
    const bad = await nextRoute(apiRequest(`/api/v1/projects/${project.id}/tasks/next?kind=essay`, { token: a.token }), routeContext({ id: project.id }));
    expect(bad.status).toBe(422);
    const ok = await nextRoute(apiRequest(`/api/v1/projects/${project.id}/tasks/next?kind=ranking`, { token: a.token }), routeContext({ id: project.id }));
    expect(ok.status).toBe(200);
    const body = await ok.json();
    expect(body.kind).toBe("RANKING");
    expect(body.responses).toHaveLength(4);
    expect(body.flags).toContain("harmful");
  });

  it("submit validation names the problem", async () => {
    const { project } = await seed({ items: 1, labelsPerItem: 1 });
    const a = await createMember(project.id);
    const t = (await claimNextTask({ user: a, projectId: project.id }))!;
    const [r1, r2, r3, r4] = t.responses.map((r) => r.id);
    const submit = (json: unknown) => submitRoute(apiRequest(`/api/v1/tasks/${t.id}/submit`, { method: "POST", token: a.token, json }), routeContext({ id: t.id }));
    const cases: [unknown, RegExp][] = [
      [{ ranking: [[r1], [r2, r3]] }, new RegExp(`${r4}" is missing`)],
      [{ ranking: [[r1], [r2, r3], [r4], ["nope"]] }, /unknown response id "nope"/],
      [{ ranking: [[r1], [r2, r3], [r4, r1]] }, /more than once/],
      [{ ranking: [[r1], [r2, r3], [r4]], flags: { [r1]: ["rude"] } }, /unknown flag "rude"/],
      [{ text: "an essay" }, /ranking: required/],
      [{ ranking: [[r1], [r2, r3], [r4]], score: { [r1]: 9 } }, /1 to 7/],
      [{ ranking: [[r1], [r2, r3], [r4]], bogus: 1 }, /bogus|Unrecognized/i],
    ];
    for (const [json, re] of cases) {
      const res = await submit(json);
      expect(res.status).toBe(422);
      const b = await res.json();
      const text = [b.error, ...((b.details ?? b.issues ?? []) as { path: string; message: string }[]).map((i) => `${i.path}: ${i.message}`)].join("\n");
      expect(text).toMatch(re);
    }
    const ok = await submit({ ranking: [[r1], [r2, r3], [r4]], orderAction: "moved", flags: { [r4]: ["harmful"] }, score: { [r1]: 7, [r4]: 1 }, rationale: "r1 is right", timeSpentMs: 5300 });
    expect(ok.status).toBe(200);
    const body = await ok.json();
    expect(body).toMatchObject({ taskStatus: "COMPLETE", labelsDone: 1, labelsNeeded: 1, kind: "RANKING" });
    const undoIn = new Date(body.undoUntil).getTime() - Date.now();
    expect(undoIn).toBeGreaterThan(4 * 60_000);
    expect(undoIn).toBeLessThan(6 * 60_000);
    const again = await submit({ ranking: [[r1], [r2, r3], [r4]], orderAction: "moved" });
    expect(again.status).toBe(409);
    const stored = await db.ranking.findUniqueOrThrow({ where: { id: body.labelId } });
    expect(stored.groups).toEqual([[r1], [r2, r3], [r4]]);
    expect(stored.timeSpentMs).toBe(5300);
  });

  it("a member without a lease gets 403; a non-member 404", async () => {
    const { project } = await seed({ items: 1, labelsPerItem: 2 });
    const a = await createMember(project.id);
    const b = await createMember(project.id);
    const outsider = await createUser();
    const t = (await claimNextTask({ user: a, projectId: project.id }))!;
    const json = { ranking: rankAll(t.responses), orderAction: "confirmed" };
    const asB = await submitRoute(apiRequest(`/api/v1/tasks/${t.id}/submit`, { method: "POST", token: b.token, json }), routeContext({ id: t.id }));
    expect(asB.status).toBe(403);
    const asOut = await submitRoute(apiRequest(`/api/v1/tasks/${t.id}/submit`, { method: "POST", token: outsider.token, json }), routeContext({ id: t.id }));
    expect(asOut.status).toBe(404);
  });

  it("nobody ranks answers they wrote: a labeler's demonstration never comes back to them in a ranking", async () => {
    const admin = await createUser({ role: "ADMIN" });
    const project = await createProject({ taskKinds: ["DEMONSTRATION", "RANKING"], labelsPerItem: 1 });
    await importPrompts({ projectId: project.id, createdById: admin.id, fileName: "s", mode: "partial", format: "jsonl", source: streamOf(jsonlOf([{ prompt: "Say hi politely" }])) });
    const a = await createMember(project.id);
    const b = await createMember(project.id);
    const demo = (await claimNextTask({ user: a, projectId: project.id, kind: "DEMONSTRATION" }))!;
    await submitTask({ user: a, taskId: demo.id, request: { text: "Hello, nice to meet you!" } });
    const human = await db.response.findFirstOrThrow({ where: { promptId: demo.promptId, source: "HUMAN" } });
    expect(human.authorId).toBe(a.id);
    const other = await db.response.create({ data: { promptId: demo.promptId, text: "hi", source: "MODEL" } });
    const task = await db.task.create({ data: { projectId: project.id, promptId: demo.promptId, kind: "RANKING", labelsNeeded: 1, responses: { create: [{ responseId: human.id, position: 0 }, { responseId: other.id, position: 1 }] } } });
    expect(await claimNextTask({ user: a, projectId: project.id, kind: "RANKING" })).toBeNull();
    expect((await claimNextTask({ user: b, projectId: project.id, kind: "RANKING" }))!.id).toBe(task.id);
  });

  it("pairwise: A/B refer to what the labeler saw and are stored in canonical order", async () => {
    const { project } = await seed({ items: 1, labelsPerItem: 1, responses: 2, taskKinds: ["PAIRWISE"] });
    const a = await createMember(project.id);
    const t = (await claimNextTask({ user: a, projectId: project.id, kind: "PAIRWISE" }))!;
    expect(t.kind).toBe("PAIRWISE");
    const bad = await submitRoute(apiRequest(`/api/v1/tasks/${t.id}/submit`, { method: "POST", token: a.token, json: { choice: "tie", strength: 2 } }), routeContext({ id: t.id }));
    expect(bad.status).toBe(422);
    const res = await submitTask({ user: a, taskId: t.id, request: { choice: "A", strength: 2 } });
    const label = await db.pairwiseLabel.findUniqueOrThrow({ where: { id: res.labelId } });
    const canonical = await db.taskResponse.findMany({ where: { taskId: t.id }, orderBy: { position: "asc" } });
    // The labeler preferred what they saw first.
    const preferred = label.choice === "A" ? canonical[0].responseId : canonical[1].responseId;
    expect(preferred).toBe(t.responses[0].id);
    expect(label.strength).toBe(2);
  });

  it("next task is the oldest open one, found off the claim-order index without sorting every open task", async () => {
    // 3,000 open ranking tasks created in shuffled order (plain SQL: the planner's choice depends on the
    // table's size, so the test needs a realistic one).
    const project = await createProject({ labelsPerItem: 2 });
    await db.$executeRaw`
      INSERT INTO "Prompt" (id, "projectId", text, "contentHash")
        SELECT ${project.id} || '-p' || i, ${project.id}, 'Prompt ' || i, md5(${project.id} || i) FROM generate_series(0, 2999) i`;
    await db.$executeRaw`
      INSERT INTO "Task" (id, "projectId", "promptId", kind, "labelsNeeded", "createdAt")
        SELECT ${project.id} || '-t' || i, ${project.id}, ${project.id} || '-p' || i, 'RANKING', 2,
          timestamp '2026-01-01' + ((i * 7919) % 3000) * interval '1 second'
        FROM generate_series(0, 2999) i`;
    await db.$executeRaw`ANALYZE "Task"`;
    const oldest = await db.task.findFirstOrThrow({ where: { projectId: project.id }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    const [a, b] = [await createMember(project.id), await createMember(project.id)];

    // The plan, custom and generic (prepared statements switch to a generic plan after five runs): an
    // ordered scan of the index, no Sort node.
    const query = nextCandidateSql({ projectId: project.id, userId: a.id, kind: "RANKING", tried: [] });
    const client = await getPool().connect();
    try {
      for (const mode of ["force_custom_plan", "force_generic_plan"]) {
        await client.query("BEGIN");
        await client.query(`SET LOCAL plan_cache_mode = ${mode}`);
        const { rows } = await client.query({ text: `EXPLAIN (FORMAT JSON) ${query.text}`, values: query.values as unknown[] });
        await client.query("ROLLBACK");
        const plan = JSON.stringify(rows[0]["QUERY PLAN"]);
        expect(plan, mode).toContain('"Index Name":"Task_projectId_kind_status_createdAt_id_idx"');
        expect(plan, mode).not.toContain('"Node Type":"Sort"');
      }
    } finally {
      client.release();
    }

    // Oldest first, with and without a kind; the second labeler gets the same task (2 labels per item).
    expect((await claimNextTask({ user: a, projectId: project.id, kind: "RANKING" }))!.id).toBe(oldest.id);
    expect((await claimNextTask({ user: b, projectId: project.id }))!.id).toBe(oldest.id);
    const c = await createMember(project.id);
    const second = await db.task.findFirstOrThrow({ where: { projectId: project.id, id: { not: oldest.id } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    expect((await claimNextTask({ user: c, projectId: project.id, kind: "RANKING" }))!.id).toBe(second.id);
  });

  it("API answers are never cached; small ones go out uncompressed, larger ones may be compressed", async () => {
    const { project } = await seed({ items: 2, labelsPerItem: 1 });
    const a = await createMember(project.id);
    const next = () => nextRoute(apiRequest(`/api/v1/projects/${project.id}/tasks/next?kind=ranking`, { token: a.token }), routeContext({ id: project.id }));
    const small = await next();
    expect(small.status).toBe(200);
    expect((await small.text()).length).toBeLessThan(1024);
    // Next's gzip middleware skips responses marked no-transform.
    expect(small.headers.get("cache-control")).toBe("no-store, no-transform");
    const bad = await nextRoute(apiRequest(`/api/v1/projects/${project.id}/tasks/next?kind=essay`, { token: a.token }), routeContext({ id: project.id }));
    expect(bad.status).toBe(422);
    expect(bad.headers.get("cache-control")).toBe("no-store, no-transform");

    await db.project.update({ where: { id: project.id }, data: { guidelines: "Prefer the answer that ... ".repeat(100) } });
    await db.taskAssignment.updateMany({ where: { userId: a.id }, data: { status: "SKIPPED" } });
    const large = await next();
    expect(large.status).toBe(200);
    expect((await large.text()).length).toBeGreaterThan(1024);
    expect(large.headers.get("cache-control")).toBe("no-store");
  });

  it("skip, drafts and undo", async () => {
    const { project } = await seed({ items: 2, labelsPerItem: 1 });
    const a = await createMember(project.id);
    const t1 = (await claimNextTask({ user: a, projectId: project.id }))!;
    const ctx = routeContext({ id: t1.id });
    const put = await putDraft(apiRequest(`/api/v1/tasks/${t1.id}/draft`, { method: "PUT", token: a.token, json: { data: { ranking: [[t1.responses[0].id]] } } }), ctx);
    expect(put.status).toBe(200);
    const got = await getDraft(apiRequest(`/api/v1/tasks/${t1.id}/draft`, { token: a.token }), ctx);
    expect((await got.json()).data).toEqual({ ranking: [[t1.responses[0].id]] });
    expect((await claimNextTask({ user: a, projectId: project.id }))!.draft).toEqual({ ranking: [[t1.responses[0].id]] });
    const skip = await skipRoute(apiRequest(`/api/v1/tasks/${t1.id}/skip`, { method: "POST", token: a.token, json: { reason: "not my language" } }), ctx);
    expect(skip.status).toBe(200);
    const t2 = (await claimNextTask({ user: a, projectId: project.id }))!;
    expect(t2.id).not.toBe(t1.id);
    await submitTask({ user: a, taskId: t2.id, request: { ranking: rankAll(t2.responses), orderAction: "confirmed" } });
    expect((await db.task.findUniqueOrThrow({ where: { id: t2.id } })).status).toBe("COMPLETE");
    expect(await claimNextTask({ user: a, projectId: project.id })).toBeNull();
    const undo = await undoRoute(apiRequest(`/api/v1/tasks/${t2.id}/undo`, { method: "POST", token: a.token }), routeContext({ id: t2.id }));
    expect(undo.status).toBe(200);
    const task = await db.task.findUniqueOrThrow({ where: { id: t2.id } });
    expect(task).toMatchObject({ status: "OPEN", labelsDone: 0 });
    expect(await db.ranking.count({ where: { taskId: t2.id } })).toBe(0);
    const back = (await claimNextTask({ user: a, projectId: project.id }))!;
    expect(back.id).toBe(t2.id);
    expect(back.responses).toEqual(t2.responses);
    const undoAgain = await undoRoute(apiRequest(`/api/v1/tasks/${t2.id}/undo`, { method: "POST", token: a.token }), routeContext({ id: t2.id }));
    expect(undoAgain.status).toBe(409);
  });
});
