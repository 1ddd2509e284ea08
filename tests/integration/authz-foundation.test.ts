import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { apiRequest, createMember, createProject, createUser, routeContext, type TTestUser } from "../helpers/factories";
import * as me from "@/app/api/v1/me/route";
import * as tokens from "@/app/api/v1/tokens/route";
import * as tokenById from "@/app/api/v1/tokens/[id]/route";
import * as users from "@/app/api/v1/users/route";
import * as userById from "@/app/api/v1/users/[id]/route";
import * as invites from "@/app/api/v1/invites/route";
import * as projects from "@/app/api/v1/projects/route";
import * as projectById from "@/app/api/v1/projects/[id]/route";
import * as members from "@/app/api/v1/projects/[id]/members/route";
import * as memberById from "@/app/api/v1/projects/[id]/members/[userId]/route";

// The authorisation matrix of the foundation's routes: every caller kind against every route.
type Caller = "anonymous" | "labeler" | "reviewer" | "admin" | "outsider" | "deactivated" | "revoked";
const CALLERS: Caller[] = ["anonymous", "labeler", "reviewer", "admin", "outsider", "deactivated", "revoked"];

let projectId: string;
let tokenOf: Record<Caller, string | undefined>;
let target: TTestUser;

beforeAll(async () => {
  const admin = await createUser({ role: "ADMIN" });
  projectId = (await createProject({ createdById: admin.id })).id;
  const labeler = await createMember(projectId, { role: "LABELER" });
  const reviewer = await createMember(projectId, { role: "REVIEWER", projectRole: "REVIEWER" });
  const otherProject = await createProject();
  const outsider = await createMember(otherProject.id, { role: "REVIEWER", projectRole: "REVIEWER" });
  const deactivated = await createMember(projectId, { role: "ADMIN" });
  await db.user.update({ where: { id: deactivated.id }, data: { active: false } });
  const revoked = await createMember(projectId, { role: "ADMIN" });
  await db.apiToken.update({ where: { id: revoked.tokenId }, data: { revokedAt: new Date() } });
  target = await createMember(projectId);
  tokenOf = {
    anonymous: undefined,
    labeler: labeler.token,
    reviewer: reviewer.token,
    admin: admin.token,
    outsider: outsider.token,
    deactivated: deactivated.token,
    revoked: revoked.token,
  };
});

const unique = () => `${crypto.randomUUID()}@t.dev`;
type Row = {
  name: string;
  call: (token?: string) => Promise<Response>;
  expect: Partial<Record<Caller, number>>;
};
// Statuses for the signed-in, active callers; anonymous, deactivated and revoked always get 401.
const everyone = (status: number) => ({ labeler: status, reviewer: status, admin: status, outsider: status });
const adminOnly = (status: number) => ({ labeler: 403, reviewer: 403, admin: status, outsider: 403 });

const ROWS: Row[] = [
  { name: "GET /api/v1/me", call: (t) => me.GET(apiRequest("/api/v1/me", { token: t })), expect: everyone(200) },
  { name: "GET /api/v1/tokens", call: (t) => tokens.GET(apiRequest("/api/v1/tokens", { token: t })), expect: everyone(200) },
  {
    name: "POST /api/v1/tokens",
    call: (t) => tokens.POST(apiRequest("/api/v1/tokens", { method: "POST", token: t, json: { name: "x" } })),
    expect: everyone(201),
  },
  {
    name: "DELETE /api/v1/tokens/{someone else's}",
    call: (t) => tokenById.DELETE(apiRequest(`/api/v1/tokens/${target.tokenId}`, { method: "DELETE", token: t }), routeContext({ id: target.tokenId })),
    expect: { labeler: 404, reviewer: 404, outsider: 404, admin: 200 },
  },
  { name: "GET /api/v1/users", call: (t) => users.GET(apiRequest("/api/v1/users", { token: t })), expect: adminOnly(200) },
  {
    name: "POST /api/v1/users",
    call: (t) => users.POST(apiRequest("/api/v1/users", { method: "POST", token: t, json: { email: unique(), password: "password-1", role: "LABELER" } })),
    expect: adminOnly(201),
  },
  {
    name: "PATCH /api/v1/users/{id}",
    call: (t) => userById.PATCH(apiRequest(`/api/v1/users/${target.id}`, { method: "PATCH", token: t, json: { name: "Renamed" } }), routeContext({ id: target.id })),
    expect: adminOnly(200),
  },
  { name: "GET /api/v1/invites", call: (t) => invites.GET(apiRequest("/api/v1/invites", { token: t })), expect: adminOnly(200) },
  {
    name: "POST /api/v1/invites",
    call: (t) => invites.POST(apiRequest("/api/v1/invites", { method: "POST", token: t, json: { email: unique(), role: "LABELER" } })),
    expect: adminOnly(201),
  },
  { name: "GET /api/v1/projects", call: (t) => projects.GET(apiRequest("/api/v1/projects", { token: t })), expect: everyone(200) },
  {
    name: "POST /api/v1/projects",
    call: (t) => projects.POST(apiRequest("/api/v1/projects", { method: "POST", token: t, json: { name: "Matrix project" } })),
    expect: adminOnly(201),
  },
  {
    name: "GET /api/v1/projects/{id}",
    call: (t) => projectById.GET(apiRequest(`/api/v1/projects/${projectId}`, { token: t }), routeContext({ id: projectId })),
    expect: { labeler: 200, reviewer: 200, admin: 200, outsider: 404 },
  },
  {
    name: "GET /api/v1/projects/{id}/members",
    call: (t) => members.GET(apiRequest(`/api/v1/projects/${projectId}/members`, { token: t }), routeContext({ id: projectId })),
    expect: { labeler: 403, reviewer: 200, admin: 200, outsider: 404 },
  },
  {
    name: "POST /api/v1/projects/{id}/members",
    call: (t) =>
      members.POST(apiRequest(`/api/v1/projects/${projectId}/members`, { method: "POST", token: t, json: { userId: target.id, role: "LABELER" } }), routeContext({ id: projectId })),
    expect: adminOnly(201),
  },
  {
    name: "DELETE /api/v1/projects/{id}/members/{userId}",
    // A user who is not a member: the admin gets 404 (nothing to remove), everyone else 403 first.
    call: (t) =>
      memberById.DELETE(apiRequest(`/api/v1/projects/${projectId}/members/nobody`, { method: "DELETE", token: t }), routeContext({ id: projectId, userId: "nobody" })),
    expect: adminOnly(404),
  },
];

describe("authorisation matrix: foundation routes", () => {
  for (const row of ROWS) {
    for (const caller of CALLERS) {
      const expected = row.expect[caller] ?? 401;
      it(`${row.name} as ${caller} -> ${expected}`, async () => {
        const res = await row.call(tokenOf[caller]);
        expect(res.status, await res.clone().text()).toBe(expected);
      });
    }
  }

  it("a malformed Authorization header is refused", async () => {
    const res = await me.GET(apiRequest("/api/v1/me", { headers: { authorization: "Basic abc" } }));
    expect(res.status).toBe(401);
  });
});
