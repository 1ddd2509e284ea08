import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { importPrompts } from "@/lib/server/import/import-prompts";
import { claimNextTask } from "@/lib/server/labeling/claim-next-task";
import { submitTask } from "@/lib/server/labeling/submit-task";
import { runExportCli } from "@/lib/server/export/cli";
import { buildSnapshotData } from "@/lib/server/snapshots/build-snapshot-data";
import { GET as qualityRoute } from "@/app/api/v1/projects/[id]/quality/route";
import { GET as queueRoute } from "@/app/api/v1/projects/[id]/review-queue/route";
import { POST as reviewRoute } from "@/app/api/v1/labels/[kind]/[id]/review/route";
import { GET as listSnapshotsRoute, POST as createSnapshotRoute } from "@/app/api/v1/projects/[id]/snapshots/route";
import { GET as exportRoute } from "@/app/api/v1/snapshots/[id]/export/route";
import { apiRequest, createMember, createProject, createUser, jsonlOf, routeContext, streamOf } from "../helpers/factories";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

async function setup(options: { labelsPerItem: number; gold?: number[][] }) {
  const admin = await createUser({ role: "ADMIN" });
  const project = await createProject({ labelsPerItem: options.labelsPerItem, taskKinds: ["DEMONSTRATION", "RANKING"] });
  const row: Record<string, unknown> = { prompt: "Which answer explains gravity best?", responses: ["R0 best", "R1 good", "R2 good too", "R3 worst"] };
  if (options.gold) row.gold = { ranking: options.gold };
  await importPrompts({ projectId: project.id, createdById: admin.id, fileName: "q", mode: "all_or_nothing", format: "jsonl", source: streamOf(jsonlOf([row, { prompt: "Eval prompt", split: "eval" }])) });
  const reviewer = await createMember(project.id, { projectRole: "REVIEWER" });
  const responses = await db.response.findMany({ where: { prompt: { projectId: project.id } }, orderBy: { text: "asc" } });
  const id = (t: string) => responses.find((r) => r.text.startsWith(t))!.id;
  return { admin, project, reviewer, r: [id("R0"), id("R1"), id("R2"), id("R3")] };
}

async function rank(projectId: string, groups: (r: string[]) => string[][], r: string[]) {
  const user = await createMember(projectId);
  const t = (await claimNextTask({ user, projectId, kind: "RANKING" }))!;
  const res = await submitTask({ user, taskId: t.id, request: { ranking: groups(r), orderAction: "moved", timeSpentMs: 1000, score: { [r[0]]: 7, [r[3]]: 2 }, flags: { [r[3]]: ["harmful"] } } });
  return { user, taskId: t.id, labelId: res.labelId };
}

async function readJsonl(res: Response) {
  return (await res.text()).trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

describe("quality, review, snapshots and export", () => {
  it("reports agreement and gold accuracy per project and labeler", async () => {
    const { project, reviewer, r } = await setup({ labelsPerItem: 2, gold: [[0], [1, 2], [3]] });
    await rank(project.id, (x) => [[x[0]], [x[1]], [x[2]], [x[3]]], r);
    await rank(project.id, (x) => [[x[3]], [x[2]], [x[1]], [x[0]]], r);
    const res = await qualityRoute(apiRequest(`/api/v1/projects/${project.id}/quality`, { token: reviewer.token }), routeContext({ id: project.id }));
    expect(res.status).toBe(200);
    const q = await res.json();
    // the two rankings are exact reverses: tau-b = -1; one of them passes gold
    expect(q.project).toMatchObject({ count: 2, labelers: 2, medianTimeMs: 1000, goldAccuracy: 0.5, goldChecked: 2 });
    // both flag R3 "harmful" and nothing else: flags agree everywhere, alpha = 1
    expect(q.project.agreement).toMatchObject({ kendallTau: -1, comparisons: 1, alphaFlags: 1 });
    // identical scores on both sides: no disagreement at all, alpha = 1
    expect(q.project.agreement.alphaScores).toBe(1);
    expect(q.labelers).toHaveLength(2);
    expect(q.labelers.map((l: { goldAccuracy: number }) => l.goldAccuracy).sort()).toEqual([0, 1]);
    expect(q.labelers[0].agreement).toMatchObject({ kendallTau: -1, comparisons: 1, alphaFlags: 1, alphaScores: 1 });
  });

  it("the review queue puts failed gold first; a rejected label never reaches the next snapshot", async () => {
    const { project, reviewer, r } = await setup({ labelsPerItem: 2, gold: [[0], [1], [2], [3]] });
    const good = await rank(project.id, (x) => [[x[0]], [x[1]], [x[2]], [x[3]]], r);
    const bad = await rank(project.id, (x) => [[x[3]], [x[2]], [x[1]], [x[0]]], r);
    expect((await db.ranking.findUniqueOrThrow({ where: { id: bad.labelId } })).status).toBe("PENDING");
    const queue = await (await queueRoute(apiRequest(`/api/v1/projects/${project.id}/review-queue`, { token: reviewer.token }), routeContext({ id: project.id }))).json();
    expect(queue.items[0]).toMatchObject({ id: bad.labelId, reason: "failed_gold", goldPassed: false, kind: "ranking" });
    expect(queue.items[0].responses[0].source).toBe("IMPORTED");

    const snap = async (name: string) => (await createSnapshotRoute(apiRequest(`/api/v1/projects/${project.id}/snapshots`, { method: "POST", token: reviewer.token, json: { name } }), routeContext({ id: project.id }))).json();
    const s1 = await snap("before");
    expect(s1.counts).toMatchObject({ rankings: 1, preferences: 6, prompts: 2 });

    const review = await reviewRoute(apiRequest(`/api/v1/labels/ranking/${good.labelId}/review`, { method: "POST", token: reviewer.token, json: { decision: "reject", comment: "random order" } }), routeContext({ kind: "ranking", id: good.labelId }));
    expect(review.status).toBe(200);
    expect((await review.json()).status).toBe("REJECTED");
    expect((await db.task.findUniqueOrThrow({ where: { id: good.taskId } })).status).toBe("OPEN");
    const s2 = await snap("after");
    expect(s2.counts).toMatchObject({ rankings: 0, preferences: 0 });
    expect(s2.hash).not.toBe(s1.hash);

    // a correction replaces the labeler's ranking in the snapshot
    const corrected = await reviewRoute(apiRequest(`/api/v1/labels/ranking/${bad.labelId}/review`, { method: "POST", token: reviewer.token, json: { decision: "correct", correctedGroups: [[r[0]], [r[1], r[2]], [r[3]]] } }), routeContext({ kind: "ranking", id: bad.labelId }));
    expect(corrected.status).toBe(200);
    const s3 = await snap("corrected");
    expect(s3.counts.preferences).toBe(5);
    const badCorrection = await reviewRoute(apiRequest(`/api/v1/labels/ranking/${bad.labelId}/review`, { method: "POST", token: reviewer.token, json: { decision: "correct", correctedGroups: [[r[0]]] } }), routeContext({ kind: "ranking", id: bad.labelId }));
    expect(badCorrection.status).toBe(422);

    const dup = await createSnapshotRoute(apiRequest(`/api/v1/projects/${project.id}/snapshots`, { method: "POST", token: reviewer.token, json: { name: "after" } }), routeContext({ id: project.id }));
    expect(dup.status).toBe(409);
    const list = await (await listSnapshotsRoute(apiRequest(`/api/v1/projects/${project.id}/snapshots`, { token: reviewer.token }), routeContext({ id: project.id }))).json();
    expect(list.items.map((i: { name: string }) => i.name)).toEqual(["corrected", "after", "before"]);
  });

  it("export expands a ranking into its C(K,2) pairs with one group, ties give no pair, exact field names", async () => {
    const { project, reviewer, r } = await setup({ labelsPerItem: 1 });
    const { taskId } = await rank(project.id, (x) => [[x[0]], [x[1], x[2]], [x[3]]], r);
    const writer = await createMember(project.id);
    const demoTask = (await claimNextTask({ user: writer, projectId: project.id, kind: "DEMONSTRATION" }))!;
    await submitTask({ user: writer, taskId: demoTask.id, request: { text: "Gravity is the attraction between masses." } });
    const s = await (await createSnapshotRoute(apiRequest(`/api/v1/projects/${project.id}/snapshots`, { method: "POST", token: reviewer.token, json: { name: "v1" } }), routeContext({ id: project.id }))).json();
    expect(s.hash).toMatch(/^[0-9a-f]{64}$/);
    const exp = (format: string, extra = "") => exportRoute(apiRequest(`/api/v1/snapshots/${s.id}/export?format=${format}${extra}`, { token: reviewer.token }), routeContext({ id: s.id }));

    const prefRes = await exp("preference");
    expect(prefRes.headers.get("content-type")).toMatch(/ndjson/);
    const prefs = await readJsonl(prefRes);
    expect(prefs).toHaveLength(5);
    for (const p of prefs) expect(Object.keys(p).sort()).toEqual(["chosen", "group", "prompt", "rejected"]);
    expect(new Set(prefs.map((p) => p.group))).toEqual(new Set([taskId]));
    expect(prefs.map((p) => `${p.chosen} > ${p.rejected}`)).toEqual([
      "R0 best > R1 good", "R0 best > R2 good too", "R0 best > R3 worst", "R1 good > R3 worst", "R2 good too > R3 worst",
    ]);
    expect(prefs.some((p) => p.chosen.startsWith("R1") && p.rejected.startsWith("R2"))).toBe(false);

    const sft = await readJsonl(await exp("sft"));
    expect(sft).toEqual([{ prompt: demoTask.prompt, completion: "Gravity is the attraction between masses." }]);
    const chat = await readJsonl(await exp("sft_messages"));
    expect(chat).toEqual([{ messages: [{ role: "user", content: demoTask.prompt }, { role: "assistant", content: "Gravity is the attraction between masses." }] }]);
    const prompts = await readJsonl(await exp("prompts"));
    expect(prompts.map((p) => p.prompt).sort()).toEqual(["Eval prompt", "Which answer explains gravity best?"]);
    expect(await readJsonl(await exp("prompts", "&split=eval"))).toEqual([{ prompt: "Eval prompt" }]);
    expect((await exp("margin")).status).toBe(422);

    // The snapshot's data is what the worker reads.
    const row = await db.datasetSnapshot.findUniqueOrThrow({ where: { id: s.id } });
    expect((row.data as { preferences: unknown[] }).preferences).toHaveLength(5);

    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rlhf-export-")), "pref.jsonl");
    expect(await runExportCli(["--snapshot", s.id, "--format", "preference", "--out", out])).toBe(0);
    expect(fs.readFileSync(out, "utf8").trim().split("\n")).toHaveLength(5);
  });

  it("a corrected demonstration is exported with the reviewer's text; a rejected one is not exported", async () => {
    const { project, reviewer } = await setup({ labelsPerItem: 1 });
    const a = await createMember(project.id);
    const b = await createMember(project.id);
    const ta = (await claimNextTask({ user: a, projectId: project.id, kind: "DEMONSTRATION" }))!;
    const la = await submitTask({ user: a, taskId: ta.id, request: { text: "draft answer with a typo" } });
    const tb = (await claimNextTask({ user: b, projectId: project.id, kind: "DEMONSTRATION" }))!;
    const lb = await submitTask({ user: b, taskId: tb.id, request: { text: "copied from somewhere" } });
    const review = (id: string, json: unknown) =>
      reviewRoute(apiRequest(`/api/v1/labels/demonstration/${id}/review`, { method: "POST", token: reviewer.token, json }), routeContext({ kind: "demonstration", id }));
    expect((await review(la.labelId, { decision: "correct" })).status).toBe(422);
    expect((await review(la.labelId, { decision: "correct", correctedText: "clean answer" })).status).toBe(200);
    expect((await review(lb.labelId, { decision: "reject" })).status).toBe(200);
    const s = await (await createSnapshotRoute(apiRequest(`/api/v1/projects/${project.id}/snapshots`, { method: "POST", token: reviewer.token, json: { name: "demos" } }), routeContext({ id: project.id }))).json();
    const sft = await readJsonl(await exportRoute(apiRequest(`/api/v1/snapshots/${s.id}/export?format=sft`, { token: reviewer.token }), routeContext({ id: s.id })));
    expect(sft).toEqual([{ prompt: ta.prompt, completion: "clean answer" }]);
  });

  it("several rankings of one task are merged into one consensus before pairs are made", async () => {
    const { project, reviewer, r } = await setup({ labelsPerItem: 3 });
    await rank(project.id, (x) => [[x[0]], [x[1]], [x[2]], [x[3]]], r);
    await rank(project.id, (x) => [[x[0]], [x[2]], [x[1]], [x[3]]], r);
    await rank(project.id, (x) => [[x[0]], [x[1]], [x[2]], [x[3]]], r);
    const s = await (await createSnapshotRoute(apiRequest(`/api/v1/projects/${project.id}/snapshots`, { method: "POST", token: reviewer.token, json: { name: "c" } }), routeContext({ id: project.id }))).json();
    expect(s.counts).toMatchObject({ rankings: 3, preferences: 6 });
  });
  it("a snapshot's rows follow their content, not ids: the same labels in two projects give the same rows", async () => {
    const admin = await createUser({ role: "ADMIN" });
    const rows = ["alpha", "beta", "gamma"].map((name) => ({ prompt: `Describe ${name}`, responses: [`${name} best`, `${name} middle`, `${name} worst`] }));
    const data: Awaited<ReturnType<typeof buildSnapshotData>>["data"][] = [];
    // Imported in opposite orders (so ids, random, and creation order differ), labeled the same way.
    for (const order of [rows, [...rows].reverse()]) {
      const project = await createProject({ labelsPerItem: 1, taskKinds: ["RANKING"] });
      await importPrompts({ projectId: project.id, createdById: admin.id, fileName: "d", mode: "all_or_nothing", format: "jsonl", source: streamOf(jsonlOf(order)) });
      const user = await createMember(project.id);
      for (;;) {
        const t = await claimNextTask({ user, projectId: project.id, kind: "RANKING" });
        if (!t) break;
        const byQuality = ["best", "middle", "worst"].map((q) => [t.responses.find((x: { text: string }) => x.text.endsWith(q))!.id]);
        await submitTask({ user, taskId: t.id, request: { ranking: byQuality, orderAction: "moved", timeSpentMs: 500 } });
      }
      data.push((await buildSnapshotData({ projectId: project.id })).data);
    }
    const withoutGroups = (d: (typeof data)[number]) => d.preferences.map((p) => ({ ...p, group: undefined }));
    expect(data[0].preferences).toHaveLength(9);
    expect(withoutGroups(data[1])).toEqual(withoutGroups(data[0]));
    expect(data[1].prompts).toEqual(data[0].prompts);
  });
});
