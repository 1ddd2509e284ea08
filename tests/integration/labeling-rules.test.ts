import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { importPrompts } from "@/lib/server/import/import-prompts";
import { planImportTasks } from "@/lib/server/import/plan-import-tasks";
import { claimNextTask } from "@/lib/server/labeling/claim-next-task";
import { countNewLabels } from "@/lib/server/schedules/evaluate-schedules";
import { buildSnapshotData } from "@/lib/server/snapshots/build-snapshot-data";
import { POST as submitRoute } from "@/app/api/v1/tasks/[id]/submit/route";
import { POST as reviewRoute } from "@/app/api/v1/labels/[kind]/[id]/review/route";
import { POST as createSnapshotRoute } from "@/app/api/v1/projects/[id]/snapshots/route";
import { apiRequest, createMember, createProject, createUser, jsonlOf, routeContext, streamOf } from "../helpers/factories";

// What labelers see is what gets trained (issue #11): "both are bad" on a pair, no untouched rankings,
// the review policy and its counts at freezing time, and ranking tasks that connect every answer.

type TKind = "RANKING" | "DEMONSTRATION" | "PAIRWISE";

async function seed(options: { taskKinds: TKind[]; rows: Record<string, unknown>[]; responsesPerTask?: number; reviewRequired?: boolean }) {
  const admin = await createUser({ role: "ADMIN" });
  const project = await createProject({ taskKinds: options.taskKinds, responsesPerTask: options.responsesPerTask ?? 4 });
  if (options.reviewRequired) await db.project.update({ where: { id: project.id }, data: { reviewRequired: true } });
  const result = await importPrompts({ projectId: project.id, createdById: admin.id, fileName: "rules", mode: "all_or_nothing", format: "jsonl", source: streamOf(jsonlOf(options.rows)) });
  expect(result.rejected).toEqual([]);
  return { admin, project };
}

const submit = (taskId: string, token: string, json: unknown) =>
  submitRoute(apiRequest(`/api/v1/tasks/${taskId}/submit`, { method: "POST", token, json }), routeContext({ id: taskId }));

const issuesOf = async (res: Response) => {
  const body = await res.json();
  return (body.details ?? body.issues ?? []) as { path: string; message: string }[];
};

describe("pairwise: both are bad", () => {
  it("labeler marks both answers of a pair bad (key 0): stored as both_bad, strength 0, and it gives no preference pair", async () => {
    const { project } = await seed({
      taskKinds: ["PAIRWISE"],
      rows: [
        { prompt: "Both bad?", responses: ["wrong one", "wrong two"] },
        { prompt: "One good?", responses: ["right", "wrong"] },
        { prompt: "Docs form?", responses: ["first", "second"] },
      ],
    });
    const labeler = await createMember(project.id);
    const bothBad = (await claimNextTask({ user: labeler, projectId: project.id, kind: "PAIRWISE" }))!;
    // What the labeling page sent for "Both are bad" (key 0): allBad is documented "on every kind".
    const res = await submit(bothBad.id, labeler.token, { choice: "both_bad", strength: 0, allBad: true, timeSpentMs: 900 });
    expect(res.status, JSON.stringify(await res.clone().json())).toBe(200);
    const stored = await db.pairwiseLabel.findUniqueOrThrow({ where: { id: (await res.json()).labelId } });
    expect(stored).toMatchObject({ choice: "both_bad", strength: 0, status: "ACCEPTED" });

    // allBad says the same thing as the choice, so it must agree with it.
    const second = (await claimNextTask({ user: labeler, projectId: project.id, kind: "PAIRWISE" }))!;
    const contradiction = await submit(second.id, labeler.token, { choice: "A", strength: 2, allBad: true });
    expect(contradiction.status).toBe(422);
    expect((await issuesOf(contradiction)).map((i) => i.path)).toContain("allBad");
    const decisive = await submit(second.id, labeler.token, { choice: "A", strength: 2 });
    expect(decisive.status).toBe(200);
    const third = (await claimNextTask({ user: labeler, projectId: project.id, kind: "PAIRWISE" }))!;
    const withAllBad = await submit(third.id, labeler.token, { choice: "both_bad" });
    expect(withAllBad.status, JSON.stringify(await withAllBad.clone().json())).toBe(200);
    expect(await db.pairwiseLabel.findUniqueOrThrow({ where: { id: (await withAllBad.json()).labelId } })).toMatchObject({ choice: "both_bad", strength: 0 });

    // Only the decisive pair reaches the preference data; "both bad" pairs give none.
    const { data, counts } = await buildSnapshotData({ projectId: project.id });
    expect(counts.pairwise).toBe(3);
    expect(data.preferences).toHaveLength(1);
    const prompts = await db.prompt.findMany({ where: { projectId: project.id }, select: { id: true, text: true } });
    const promptOfTask = new Map((await db.task.findMany({ where: { projectId: project.id }, select: { id: true, promptId: true } })).map((t) => [t.id, prompts.find((p) => p.id === t.promptId)!.text]));
    expect(data.preferences[0].prompt).toBe(promptOfTask.get(second.id));
  });
});

describe("rankings need an interaction or a confirmation", () => {
  it("an untouched ranking without orderAction is refused naming the field; a confirmed one is stored as confirmed", async () => {
    const { project } = await seed({ taskKinds: ["RANKING"], rows: [{ prompt: "Order me", responses: ["a1", "a2", "a3", "a4"] }, { prompt: "Order me too", responses: ["b1", "b2", "b3", "b4"] }] });
    const labeler = await createMember(project.id);
    const t = (await claimNextTask({ user: labeler, projectId: project.id, kind: "RANKING" }))!;
    const shown = t.responses.map((r) => [r.id]);
    const untouched = await submit(t.id, labeler.token, { ranking: shown });
    expect(untouched.status).toBe(422);
    const issues = await issuesOf(untouched);
    expect(issues).toContainEqual(expect.objectContaining({ path: "orderAction" }));
    expect(issues.find((i) => i.path === "orderAction")!.message).toMatch(/moved.*confirmed/);
    const bogus = await submit(t.id, labeler.token, { ranking: shown, orderAction: "shuffled" });
    expect(bogus.status).toBe(422);
    expect(await db.ranking.count({ where: { taskId: t.id } })).toBe(0);

    const confirmed = await submit(t.id, labeler.token, { ranking: shown, orderAction: "confirmed" });
    expect(confirmed.status).toBe(200);
    const stored = await db.ranking.findUniqueOrThrow({ where: { id: (await confirmed.json()).labelId } });
    expect(stored).toMatchObject({ groups: shown, orderAction: "confirmed" });

    const t2 = (await claimNextTask({ user: labeler, projectId: project.id, kind: "RANKING" }))!;
    const reversed = t2.responses.map((r) => [r.id]).reverse();
    const moved = await submit(t2.id, labeler.token, { ranking: reversed, orderAction: "moved" });
    expect(moved.status).toBe(200);
    expect(await db.ranking.findUniqueOrThrow({ where: { id: (await moved.json()).labelId } })).toMatchObject({ groups: reversed, orderAction: "moved" });
  });

  it("orderAction belongs to rankings only", async () => {
    const { project } = await seed({ taskKinds: ["DEMONSTRATION"], rows: [{ prompt: "Write something" }] });
    const labeler = await createMember(project.id);
    const t = (await claimNextTask({ user: labeler, projectId: project.id, kind: "DEMONSTRATION" }))!;
    const res = await submit(t.id, labeler.token, { text: "Something.", orderAction: "confirmed" });
    expect(res.status).toBe(422);
    expect((await issuesOf(res)).map((i) => i.path)).toContain("orderAction");
  });
});

describe("review policy", () => {
  const rows = [
    { prompt: "Review me 1", responses: ["x1", "y1"] },
    { prompt: "Review me 2", responses: ["x2", "y2"] },
    { prompt: "Review me 3", responses: ["x3", "y3"] },
  ];

  async function rankAll(projectId: string, token: string, user: Awaited<ReturnType<typeof createMember>>) {
    const ids: string[] = [];
    for (;;) {
      const t = await claimNextTask({ user, projectId, kind: "RANKING" });
      if (!t) return ids;
      const res = await submit(t.id, token, { ranking: t.responses.map((r) => [r.id]), orderAction: "confirmed" });
      expect(res.status).toBe(200);
      ids.push((await res.json()).labelId);
    }
  }

  const preview = async (projectId: string, token: string) =>
    (await import("@/app/api/v1/projects/[id]/snapshots/preview/route")).GET(apiRequest(`/api/v1/projects/${projectId}/snapshots/preview`, { token }), routeContext({ id: projectId }));
  const freeze = (projectId: string, token: string, name: string) =>
    createSnapshotRoute(apiRequest(`/api/v1/projects/${projectId}/snapshots`, { method: "POST", token, json: { name } }), routeContext({ id: projectId }));
  const review = (labelId: string, token: string, json: unknown) =>
    reviewRoute(apiRequest(`/api/v1/labels/ranking/${labelId}/review`, { method: "POST", token, json }), routeContext({ kind: "ranking", id: labelId }));

  it("with review required, new labels wait (PENDING) and stay out of snapshots until a reviewer accepts or corrects them", async () => {
    const { project } = await seed({ taskKinds: ["RANKING"], rows, reviewRequired: true });
    const labeler = await createMember(project.id);
    const reviewer = await createMember(project.id, { projectRole: "REVIEWER" });
    const labels = await rankAll(project.id, labeler.token, labeler);
    expect(labels).toHaveLength(3);
    expect((await db.ranking.findMany({ where: { id: { in: labels } } })).map((l) => l.status)).toEqual(["PENDING", "PENDING", "PENDING"]);

    const before = await preview(project.id, reviewer.token);
    expect(before.status).toBe(200);
    expect(await before.json()).toMatchObject({ reviewRequired: true, counts: { rankings: 0, preferences: 0, reviewed: 0, unreviewed: 0, pendingReview: 3 } });

    expect((await review(labels[0], reviewer.token, { decision: "accept" })).status).toBe(200);
    const [x, y] = (await db.ranking.findUniqueOrThrow({ where: { id: labels[1] } })).groups as string[][];
    expect((await review(labels[1], reviewer.token, { decision: "correct", correctedGroups: [y, x] })).status).toBe(200);

    const res = await freeze(project.id, reviewer.token, "reviewed only");
    expect(res.status).toBe(201);
    const snap = await res.json();
    expect(snap.counts).toMatchObject({ rankings: 2, preferences: 2, reviewed: 2, unreviewed: 0, pendingReview: 1 });
    // The unreviewed label is still waiting in the queue.
    expect((await db.ranking.findUniqueOrThrow({ where: { id: labels[2] } })).status).toBe("PENDING");
  });

  it("without review required, labels are accepted at once and freezing says how many nobody reviewed", async () => {
    const { project } = await seed({ taskKinds: ["RANKING"], rows });
    const labeler = await createMember(project.id);
    const reviewer = await createMember(project.id, { projectRole: "REVIEWER" });
    const labels = await rankAll(project.id, labeler.token, labeler);
    expect((await db.ranking.findMany({ where: { id: { in: labels } } })).every((l) => l.status === "ACCEPTED")).toBe(true);
    expect((await review(labels[0], reviewer.token, { decision: "accept" })).status).toBe(200);
    expect((await review(labels[1], reviewer.token, { decision: "reject" })).status).toBe(200);

    const p = await (await preview(project.id, reviewer.token)).json();
    expect(p).toMatchObject({ reviewRequired: false, counts: { rankings: 2, reviewed: 1, unreviewed: 1, pendingReview: 0 } });
    const snap = await (await freeze(project.id, reviewer.token, "mixed")).json();
    expect(snap.counts).toMatchObject({ rankings: 2, reviewed: 1, unreviewed: 1, pendingReview: 0 });
  });

  it("the preview is for reviewers and admins of the project", async () => {
    const { project } = await seed({ taskKinds: ["RANKING"], rows });
    const labeler = await createMember(project.id);
    const outsider = await createUser({ role: "REVIEWER" });
    expect((await preview(project.id, labeler.token)).status).toBe(403);
    expect((await preview(project.id, outsider.token)).status).toBe(404);
  });

  it("a label accepted by a reviewer after the last round counts as new for the label trigger", async () => {
    const { project } = await seed({ taskKinds: ["RANKING"], rows, reviewRequired: true });
    const labeler = await createMember(project.id);
    const reviewer = await createMember(project.id, { projectRole: "REVIEWER" });
    const labels = await rankAll(project.id, labeler.token, labeler);
    expect(await countNewLabels(project.id, new Date(0))).toBe(0);
    const lastRound = new Date();
    await new Promise((r) => setTimeout(r, 20));
    expect((await review(labels[0], reviewer.token, { decision: "accept" })).status).toBe(200);
    expect(await countNewLabels(project.id, lastRound)).toBe(1);
  });
});

describe("ranking tasks connect every answer", () => {
  /** True when every answer appears and the "ranked together" graph over answers is connected. */
  function connected(n: number, tasks: number[][]) {
    const parent = Array.from({ length: n }, (_, i) => i);
    const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x])));
    for (const t of tasks) for (const x of t) parent[find(x)] = find(t[0]);
    const seen = new Set(tasks.flat());
    return seen.size === n && new Set(Array.from({ length: n }, (_, i) => find(i))).size === 1;
  }

  it("every prompt's answers are split into tasks of K that overlap, so every answer is compared with every other through some chain", () => {
    for (let k = 2; k <= 9; k++) {
      for (let n = 2; n <= 25; n++) {
        const tasks = planImportTasks({ responses: n, taskKinds: ["RANKING"], responsesPerTask: k }).map((t) => t.responseIndexes);
        const where = `n=${n} K=${k}: ${JSON.stringify(tasks)}`;
        for (const t of tasks) {
          expect(t.length, where).toBe(Math.min(n, k));
          expect(new Set(t).size, where).toBe(t.length);
          expect(t.every((i) => i >= 0 && i < n), where).toBe(true);
        }
        expect(connected(n, tasks), where).toBe(true);
        // No more tasks than connecting n answers needs: each new task brings at most K - 1 new answers.
        expect(tasks.length, where).toBe(n <= k ? 1 : 1 + Math.ceil((n - k) / (k - 1)));
      }
    }
    const five = planImportTasks({ responses: 5, taskKinds: ["RANKING"], responsesPerTask: 4 }).map((t) => t.responseIndexes);
    expect(five.map((t) => t.length)).toEqual([4, 4]);
  });

  it("pairwise-only projects chain the pairs, so they connect every answer too", () => {
    for (let n = 2; n <= 12; n++) {
      const tasks = planImportTasks({ responses: n, taskKinds: ["PAIRWISE"], responsesPerTask: 4 });
      expect(tasks.every((t) => t.kind === "PAIRWISE" && t.responseIndexes.length === 2)).toBe(true);
      expect(connected(n, tasks.map((t) => t.responseIndexes)), `n=${n}`).toBe(true);
    }
  });

  it("an imported prompt with 5 answers at K = 4 becomes two tasks of 4 sharing answers", async () => {
    const { project } = await seed({ taskKinds: ["RANKING"], rows: [{ prompt: "Five answers", responses: ["r0", "r1", "r2", "r3", "r4"] }] });
    const tasks = await db.task.findMany({ where: { projectId: project.id }, select: { responses: { select: { response: { select: { text: true } } } } } });
    expect(tasks.map((t) => t.responses.length)).toEqual([4, 4]);
    const [a, b] = tasks.map((t) => new Set(t.responses.map((r) => r.response.text)));
    expect(new Set([...a, ...b]).size).toBe(5);
    expect([...a].some((x) => b.has(x))).toBe(true);
  });
});
