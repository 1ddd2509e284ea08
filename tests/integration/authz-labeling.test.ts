import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { importPrompts } from "@/lib/server/import/import-prompts";
import { claimNextTask } from "@/lib/server/labeling/claim-next-task";
import { submitTask } from "@/lib/server/labeling/submit-task";
import { createSnapshot } from "@/lib/server/snapshots/create-snapshot";
import { POST as importRoute } from "@/app/api/v1/projects/[id]/import/route";
import { GET as nextRoute } from "@/app/api/v1/projects/[id]/tasks/next/route";
import { POST as submitRoute } from "@/app/api/v1/tasks/[id]/submit/route";
import { POST as skipRoute } from "@/app/api/v1/tasks/[id]/skip/route";
import { POST as undoRoute } from "@/app/api/v1/tasks/[id]/undo/route";
import { GET as getDraftRoute, PUT as putDraftRoute } from "@/app/api/v1/tasks/[id]/draft/route";
import { GET as qualityRoute } from "@/app/api/v1/projects/[id]/quality/route";
import { GET as queueRoute } from "@/app/api/v1/projects/[id]/review-queue/route";
import { POST as reviewRoute } from "@/app/api/v1/labels/[kind]/[id]/review/route";
import { GET as listSnapshotsRoute, POST as createSnapshotRoute } from "@/app/api/v1/projects/[id]/snapshots/route";
import { GET as exportRoute } from "@/app/api/v1/snapshots/[id]/export/route";
import { apiRequest, createMember, createProject, createUser, jsonlOf, routeContext, streamOf, type TTestUser } from "../helpers/factories";
import type { TSessionUser } from "@/lib/auth";

// Every labeling route against every kind of caller: anonymous, a labeler of the project, a reviewer of
// the project, an admin, a member of ANOTHER project (labeler, and global reviewer), a deactivated
// member, a member whose token was revoked.

type Persona = "anonymous" | "labeler" | "reviewer" | "admin" | "outsider" | "outsiderReviewer" | "deactivated" | "revoked";
const personas: Persona[] = ["anonymous", "labeler", "reviewer", "admin", "outsider", "outsiderReviewer", "deactivated", "revoked"];

let projectId = "";
let snapshotId = "";
const users = {} as Record<Exclude<Persona, "anonymous">, TTestUser>;
let author: TTestUser;
let n = 0;

beforeAll(async () => {
  const admin = await createUser({ role: "ADMIN" });
  const project = await createProject({ labelsPerItem: 20 });
  projectId = project.id;
  const rows = Array.from({ length: 30 }, (_, i) => ({ prompt: `Authz prompt ${i}`, responses: ["one", "two", "three"] }));
  await importPrompts({ projectId, createdById: admin.id, fileName: "a", mode: "all_or_nothing", format: "jsonl", source: streamOf(jsonlOf(rows)) });
  const other = await createProject();
  users.admin = admin;
  users.labeler = await createMember(projectId);
  users.reviewer = await createMember(projectId, { projectRole: "REVIEWER" });
  users.outsider = await createMember(other.id);
  users.outsiderReviewer = await createMember(other.id, { role: "REVIEWER", projectRole: "REVIEWER" });
  users.deactivated = await createMember(projectId);
  users.revoked = await createMember(projectId, { role: "ADMIN" });
  author = await createMember(projectId);
  snapshotId = (await createSnapshot({ user: admin, projectId, name: "authz" })).id;
});

/** A task the persona holds a lease on (or, for those who cannot, someone else's). */
async function leasedTask(p: Persona): Promise<string> {
  const holder: TSessionUser = ["labeler", "reviewer", "admin", "deactivated", "revoked"].includes(p) ? users[p as "labeler"] : author;
  const t = await claimNextTask({ user: holder, projectId, kind: "RANKING" });
  return t!.id;
}

async function submittedTask(p: Persona): Promise<string> {
  const id = await leasedTask(p);
  const holder: TSessionUser = ["labeler", "reviewer", "admin", "deactivated", "revoked"].includes(p) ? users[p as "labeler"] : author;
  const t = (await claimNextTask({ user: holder, projectId, kind: "RANKING" }))!;
  await submitTask({ user: holder, taskId: id, request: { ranking: t.responses.map((r) => [r.id]), orderAction: "confirmed" } });
  return id;
}

async function labelByAuthor(): Promise<string> {
  const t = (await claimNextTask({ user: author, projectId, kind: "RANKING" }))!;
  return (await submitTask({ user: author, taskId: t.id, request: { ranking: t.responses.map((r) => [r.id]), orderAction: "confirmed" } })).labelId;
}

const deny = { anonymous: 401, deactivated: 401, revoked: 401 } as const;
type Case = { name: string; expected: Record<Persona, number | number[]>; call: (p: Persona, token?: string) => Promise<Response> };

const labelerRoute = (ok: number | number[]) => ({ ...deny, labeler: ok, reviewer: ok, admin: ok, outsider: 404, outsiderReviewer: 404 });
const reviewerRoute = (ok: number) => ({ ...deny, labeler: 403, reviewer: ok, admin: ok, outsider: 404, outsiderReviewer: 404 });

const cases: Case[] = [
  {
    name: "POST /projects/{id}/import",
    expected: { ...deny, labeler: 403, reviewer: 403, admin: 200, outsider: 403, outsiderReviewer: 403 },
    call: (_p, token) => importRoute(apiRequest(`/api/v1/projects/${projectId}/import`, { method: "POST", token, body: jsonlOf([{ prompt: `new ${crypto.randomUUID()}` }]) }), routeContext({ id: projectId })),
  },
  {
    name: "GET /projects/{id}/tasks/next",
    expected: labelerRoute([200, 204]),
    call: (_p, token) => nextRoute(apiRequest(`/api/v1/projects/${projectId}/tasks/next`, { token }), routeContext({ id: projectId })),
  },
  {
    name: "POST /tasks/{id}/submit",
    expected: labelerRoute(200),
    call: async (p, token) => {
      const id = await leasedTask(p);
      const holder: TSessionUser = ["labeler", "reviewer", "admin", "deactivated", "revoked"].includes(p) ? users[p as "labeler"] : author;
      const t = (await claimNextTask({ user: holder, projectId, kind: "RANKING" }))!;
      return submitRoute(apiRequest(`/api/v1/tasks/${id}/submit`, { method: "POST", token, json: { ranking: t.responses.map((r) => [r.id]), orderAction: "confirmed" } }), routeContext({ id }));
    },
  },
  {
    name: "POST /tasks/{id}/skip",
    expected: labelerRoute(200),
    call: async (p, token) => {
      const id = await leasedTask(p);
      return skipRoute(apiRequest(`/api/v1/tasks/${id}/skip`, { method: "POST", token, json: { reason: "unclear" } }), routeContext({ id }));
    },
  },
  {
    name: "PUT /tasks/{id}/draft",
    expected: labelerRoute(200),
    call: async (p, token) => {
      const id = await leasedTask(p);
      return putDraftRoute(apiRequest(`/api/v1/tasks/${id}/draft`, { method: "PUT", token, json: { data: { x: 1 } } }), routeContext({ id }));
    },
  },
  {
    name: "GET /tasks/{id}/draft",
    expected: labelerRoute([200, 204]),
    call: async (p, token) => {
      const id = await leasedTask(p);
      return getDraftRoute(apiRequest(`/api/v1/tasks/${id}/draft`, { token }), routeContext({ id }));
    },
  },
  {
    name: "POST /tasks/{id}/undo",
    expected: labelerRoute(200),
    call: async (p, token) => {
      const id = await submittedTask(p);
      return undoRoute(apiRequest(`/api/v1/tasks/${id}/undo`, { method: "POST", token }), routeContext({ id }));
    },
  },
  {
    name: "GET /projects/{id}/quality",
    expected: reviewerRoute(200),
    call: (_p, token) => qualityRoute(apiRequest(`/api/v1/projects/${projectId}/quality`, { token }), routeContext({ id: projectId })),
  },
  {
    name: "GET /projects/{id}/review-queue",
    expected: reviewerRoute(200),
    call: (_p, token) => queueRoute(apiRequest(`/api/v1/projects/${projectId}/review-queue`, { token }), routeContext({ id: projectId })),
  },
  {
    name: "POST /labels/{kind}/{id}/review",
    expected: reviewerRoute(200),
    call: async (_p, token) => {
      const id = await labelByAuthor();
      return reviewRoute(apiRequest(`/api/v1/labels/ranking/${id}/review`, { method: "POST", token, json: { decision: "accept" } }), routeContext({ kind: "ranking", id }));
    },
  },
  {
    name: "POST /projects/{id}/snapshots",
    expected: reviewerRoute(201),
    call: (_p, token) => createSnapshotRoute(apiRequest(`/api/v1/projects/${projectId}/snapshots`, { method: "POST", token, json: { name: `s${++n}` } }), routeContext({ id: projectId })),
  },
  {
    name: "GET /projects/{id}/snapshots",
    expected: labelerRoute(200),
    call: (_p, token) => listSnapshotsRoute(apiRequest(`/api/v1/projects/${projectId}/snapshots`, { token }), routeContext({ id: projectId })),
  },
  {
    name: "GET /snapshots/{id}/export",
    expected: reviewerRoute(200),
    call: (_p, token) => exportRoute(apiRequest(`/api/v1/snapshots/${snapshotId}/export?format=prompts`, { token }), routeContext({ id: snapshotId })),
  },
];

describe("labeling routes: authorisation matrix", () => {
  beforeAll(async () => {
    await db.user.update({ where: { id: users.deactivated.id }, data: { active: false, sessionEpoch: { increment: 1 } } });
    await db.apiToken.update({ where: { id: users.revoked.tokenId }, data: { revokedAt: new Date() } });
  });

  for (const c of cases) {
    for (const p of personas) {
      const expected = c.expected[p];
      it(`${c.name} as ${p} -> ${Array.isArray(expected) ? expected.join("/") : expected}`, async () => {
        const token = p === "anonymous" ? undefined : users[p].token;
        const res = await c.call(p, token);
        const ok = Array.isArray(expected) ? expected : [expected];
        if (!ok.includes(res.status)) throw new Error(`${c.name} as ${p}: got ${res.status} ${await res.text()}`);
        expect(ok).toContain(res.status);
      });
    }
  }
});
