import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { importPrompts } from "@/lib/server/import/import-prompts";
import { claimNextTask } from "@/lib/server/labeling/claim-next-task";
import { submitTask } from "@/lib/server/labeling/submit-task";
import { reviewLabel } from "@/lib/server/quality/review-label";
import { GET as feedbackRoute } from "@/app/api/v1/projects/[id]/feedback/route";
import { apiRequest, createMember, createProject, createUser, jsonlOf, routeContext, streamOf, type TTestUser } from "../helpers/factories";

// Labelers see what reviewers said about their own labels: GET /api/v1/projects/{id}/feedback lists the
// reviews of the caller's labels in that project (decision, comment, which task and prompt, when), and
// never anyone else's, in projects the caller belongs to.

type TFeedback = { items: { id: string; decision: string; comment: string | null; reviewedAt: string; taskId: string; prompt: string; label: { kind: string; id: string; status: string; createdAt: string } }[] };

let admin: TTestUser;
let reviewer: TTestUser;
let alice: TTestUser;
let bob: TTestUser;
let outsider: TTestUser;
let projectId = "";
let otherProjectId = "";
const labels: Record<string, string> = {};

async function importInto(projectId: string, rows: object[]) {
  await importPrompts({ projectId, createdById: admin.id, fileName: "f", mode: "all_or_nothing", format: "jsonl", source: streamOf(jsonlOf(rows)) });
}

/** The labeler writes a demonstration on their next task; returns the label id. */
async function demonstrate(user: TTestUser, project: string, text: string) {
  const task = await claimNextTask({ user, projectId: project, kind: "DEMONSTRATION" });
  return (await submitTask({ user, taskId: task!.id, request: { text } })).labelId;
}

async function feedback(user: TTestUser | undefined, project: string, query = "") {
  const res = await feedbackRoute(apiRequest(`/api/v1/projects/${project}/feedback${query}`, { token: user?.token }), routeContext({ id: project }));
  return { status: res.status, body: (await res.json()) as TFeedback & { issues?: { path: string }[] } };
}

beforeAll(async () => {
  admin = await createUser({ role: "ADMIN" });
  const project = await createProject({ taskKinds: ["DEMONSTRATION", "RANKING"], labelsPerItem: 2, responsesPerTask: 2 });
  projectId = project.id;
  otherProjectId = (await createProject({ taskKinds: ["DEMONSTRATION"] })).id;
  reviewer = await createMember(projectId, { projectRole: "REVIEWER" });
  alice = await createMember(projectId);
  bob = await createMember(projectId);
  outsider = await createMember(otherProjectId);
  await db.projectMember.create({ data: { projectId: otherProjectId, userId: alice.id, role: "LABELER" } });
  await db.projectMember.create({ data: { projectId: otherProjectId, userId: reviewer.id, role: "REVIEWER" } });
  await importInto(projectId, [{ prompt: "How do I center a <div> in CSS?", responses: ["Use flexbox.", "Use a table."] }, { prompt: "Second prompt" }]);
  await importInto(otherProjectId, [{ prompt: "Other project prompt" }]);

  // Alice and Bob write a demonstration for the same prompt; Alice also ranks its two answers.
  labels.aliceDemo = await demonstrate(alice, projectId, "Use `display: flex`.");
  labels.bobDemo = await demonstrate(bob, projectId, "Use a grid.");
  labels.aliceSecond = await demonstrate(alice, projectId, "Unreviewed answer.");
  const rankTask = await db.task.findFirstOrThrow({ where: { projectId, kind: "RANKING" }, select: { id: true, responses: { select: { responseId: true } } } });
  labels.aliceRanking = (await db.ranking.create({ data: { taskId: rankTask.id, userId: alice.id, groups: rankTask.responses.map((r) => [r.responseId]) } })).id;
  labels.aliceOther = await demonstrate(alice, otherProjectId, "Elsewhere.");

  await reviewLabel({ user: reviewer, kind: "demonstration", labelId: labels.aliceDemo, request: { decision: "reject", comment: "For Alice: name the property and an example." } });
  await reviewLabel({ user: reviewer, kind: "demonstration", labelId: labels.bobDemo, request: { decision: "accept", comment: "For Bob: good." } });
  await reviewLabel({ user: reviewer, kind: "ranking", labelId: labels.aliceRanking, request: { decision: "accept" } });
  await reviewLabel({ user: reviewer, kind: "demonstration", labelId: labels.aliceOther, request: { decision: "correct", correctedText: "Better.", comment: "For Alice, other project." } });
});

describe("GET /api/v1/projects/{id}/feedback", () => {
  it("lists the reviews of the caller's own labels in the project, newest first, with decision, comment, task and prompt", async () => {
    const { status, body } = await feedback(alice, projectId);
    expect(status).toBe(200);
    expect(body.items.map((i) => i.label.id)).toEqual([labels.aliceRanking, labels.aliceDemo]);
    const [ranking, demo] = body.items;
    expect(demo).toMatchObject({ decision: "reject", comment: "For Alice: name the property and an example.", label: { kind: "demonstration", status: "REJECTED" } });
    expect(ranking).toMatchObject({ decision: "accept", comment: null, prompt: "How do I center a <div> in CSS?", label: { kind: "ranking", status: "ACCEPTED" } });
    const { task } = await db.demonstration.findUniqueOrThrow({ where: { id: labels.aliceDemo }, select: { task: { select: { id: true, prompt: { select: { text: true } } } } } });
    expect(demo.taskId).toBe(task.id);
    expect(demo.prompt).toBe(task.prompt.text);
    expect(Date.parse(demo.reviewedAt)).toBeGreaterThan(0);
  });

  it("never shows a labeler another labeler's feedback, even on the same prompt", async () => {
    const a = await feedback(alice, projectId);
    expect(a.body.items.map((i) => i.comment)).not.toContain("For Bob: good.");
    const b = await feedback(bob, projectId);
    expect(b.status).toBe(200);
    expect(b.body.items.map((i) => [i.label.id, i.comment])).toEqual([[labels.bobDemo, "For Bob: good."]]);
  });

  it("is scoped to the project asked for", async () => {
    const { body } = await feedback(alice, otherProjectId);
    expect(body.items.map((i) => [i.label.id, i.decision, i.comment])).toEqual([[labels.aliceOther, "correct", "For Alice, other project."]]);
  });

  it("shows reviewers and admins only feedback on their own labels, not the labels they reviewed", async () => {
    expect((await feedback(reviewer, projectId)).body.items).toEqual([]);
    expect((await feedback(admin, projectId)).body.items).toEqual([]);
  });

  it("answers 404 to non-members, 401 to anonymous callers, 422 to a bad limit", async () => {
    expect((await feedback(outsider, projectId)).status).toBe(404);
    expect((await feedback(undefined, projectId)).status).toBe(401);
    expect((await feedback(alice, "no-such-project")).status).toBe(404);
    const bad = await feedback(alice, projectId, "?limit=0");
    expect(bad.status).toBe(422);
    expect(bad.body.issues?.[0].path).toBe("limit");
    expect((await feedback(alice, projectId, "?limit=1")).body.items).toHaveLength(1);
  });

  it("stops once the labeler leaves the project", async () => {
    const carol = await createMember(projectId);
    const label = await demonstrate(carol, projectId, "Carol's answer.");
    await reviewLabel({ user: reviewer, kind: "demonstration", labelId: label, request: { decision: "reject", comment: "For Carol." } });
    expect((await feedback(carol, projectId)).body.items.map((i) => i.comment)).toEqual(["For Carol."]);
    await db.projectMember.deleteMany({ where: { projectId, userId: carol.id } });
    expect((await feedback(carol, projectId)).status).toBe(404);
  });
});
