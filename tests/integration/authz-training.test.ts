import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { db } from "@/lib/db";
import { stopQueue } from "@/lib/server/runs/job-queue";
import { revokeApiToken } from "@/lib/server/tokens/revoke-api-token";
import * as projectRuns from "@/app/api/v1/projects/[id]/runs/route";
import * as run from "@/app/api/v1/runs/[id]/route";
import * as runCancel from "@/app/api/v1/runs/[id]/cancel/route";
import * as runMetrics from "@/app/api/v1/runs/[id]/metrics/route";
import * as runLogs from "@/app/api/v1/runs/[id]/logs/route";
import * as projectModels from "@/app/api/v1/projects/[id]/models/route";
import * as model from "@/app/api/v1/models/[id]/route";
import * as modelDownload from "@/app/api/v1/models/[id]/download/route";
import * as modelGenerate from "@/app/api/v1/models/[id]/generate/route";
import * as modelReview from "@/app/api/v1/models/[id]/review/route";
import * as modelPromote from "@/app/api/v1/models/[id]/promote/route";
import * as rollback from "@/app/api/v1/projects/[id]/rollback/route";
import * as candidates from "@/app/api/v1/projects/[id]/candidates/route";
import * as comparisons from "@/app/api/v1/projects/[id]/comparisons/route";
import * as comparisonNext from "@/app/api/v1/comparisons/[id]/next/route";
import * as vote from "@/app/api/v1/comparison-items/[id]/vote/route";
import * as leaderboard from "@/app/api/v1/projects/[id]/leaderboard/route";
import * as schedule from "@/app/api/v1/projects/[id]/schedule/route";
import * as openapi from "@/app/api/v1/openapi.json/route";
import { apiRequest, createMember, createProject, createUser, routeContext, type TTestUser } from "../helpers/factories";

// Who may call each training, registry and comparison route: anonymous 401; deactivated users and
// revoked tokens 401; labelers of the project 403; reviewers of the project for "review" routes;
// admins for all; members of another project 404 (or 403 where the global role already refuses).

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Level = "review" | "admin";
type Case = { name: string; handler: Handler; method: string; path: string; params: Record<string, string>; json?: unknown; level: Level };

let cases: Case[] = [];
let users: Record<"admin" | "reviewer" | "labeler" | "outsider" | "deactivated" | "revoked", TTestUser>;

beforeAll(async () => {
  const admin = await createUser({ role: "ADMIN" });
  const project = await createProject({ createdById: admin.id });
  const other = await createProject();
  const reviewer = await createMember(project.id, { role: "LABELER", projectRole: "REVIEWER" });
  const labeler = await createMember(project.id, { role: "LABELER" });
  const outsider = await createMember(other.id, { role: "REVIEWER", projectRole: "REVIEWER" });
  const deactivated = await createMember(project.id, { role: "ADMIN" });
  await db.user.update({ where: { id: deactivated.id }, data: { active: false } });
  const revoked = await createMember(project.id, { role: "ADMIN" });
  await revokeApiToken({ tokenId: revoked.tokenId, userId: revoked.id, isAdmin: false });
  users = { admin, reviewer, labeler, outsider, deactivated, revoked };

  const r = await db.trainingRun.create({ data: { projectId: project.id, stages: { create: [{ kind: "SFT", position: 0 }] } } });
  const dir = path.join(process.env.ARTIFACTS_DIR!, "authz", project.id);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "config.json"), "{}");
  const withFiles = await db.modelVersion.create({ data: { projectId: project.id, name: "files", kind: "POLICY", algorithm: "ppo", artifactPath: path.relative(process.env.ARTIFACTS_DIR!, dir) } });
  const bare = await db.modelVersion.create({ data: { projectId: project.id, name: "bare", kind: "POLICY", algorithm: "dpo" } });
  const comparison = await db.comparison.create({ data: { projectId: project.id, versionAId: withFiles.id, versionBId: bare.id, items: { create: [{ promptText: "p", answerA: "a", answerB: "b" }] } }, include: { items: true } });
  const P = project.id;
  cases = [
    { name: "list runs", handler: projectRuns.GET, method: "GET", path: `/api/v1/projects/${P}/runs`, params: { id: P }, level: "review" },
    // Invalid stage order: admins get 422 (allowed through), everyone else is refused first.
    { name: "launch a run", handler: projectRuns.POST, method: "POST", path: `/api/v1/projects/${P}/runs`, params: { id: P }, json: { stages: ["ppo"] }, level: "admin" },
    { name: "get a run", handler: run.GET, method: "GET", path: `/api/v1/runs/${r.id}`, params: { id: r.id }, level: "review" },
    { name: "run metrics", handler: runMetrics.GET, method: "GET", path: `/api/v1/runs/${r.id}/metrics?after=0`, params: { id: r.id }, level: "review" },
    { name: "run logs", handler: runLogs.GET, method: "GET", path: `/api/v1/runs/${r.id}/logs`, params: { id: r.id }, level: "review" },
    { name: "cancel a run", handler: runCancel.POST, method: "POST", path: `/api/v1/runs/${r.id}/cancel`, params: { id: r.id }, level: "admin" },
    { name: "list models", handler: projectModels.GET, method: "GET", path: `/api/v1/projects/${P}/models`, params: { id: P }, level: "review" },
    { name: "get a model", handler: model.GET, method: "GET", path: `/api/v1/models/${withFiles.id}`, params: { id: withFiles.id }, level: "review" },
    { name: "download a model", handler: modelDownload.GET, method: "GET", path: `/api/v1/models/${withFiles.id}/download`, params: { id: withFiles.id }, level: "review" },
    { name: "generate", handler: modelGenerate.POST, method: "POST", path: `/api/v1/models/${bare.id}/generate`, params: { id: bare.id }, json: { prompts: ["hi"] }, level: "review" },
    { name: "review a model", handler: modelReview.POST, method: "POST", path: `/api/v1/models/${bare.id}/review`, params: { id: bare.id }, json: { decision: "reject", comment: "no" }, level: "review" },
    { name: "promote", handler: modelPromote.POST, method: "POST", path: `/api/v1/models/${bare.id}/promote`, params: { id: bare.id }, level: "admin" },
    { name: "rollback", handler: rollback.POST, method: "POST", path: `/api/v1/projects/${P}/rollback`, params: { id: P }, level: "admin" },
    { name: "candidates", handler: candidates.POST, method: "POST", path: `/api/v1/projects/${P}/candidates`, params: { id: P }, json: {}, level: "admin" },
    { name: "list comparisons", handler: comparisons.GET, method: "GET", path: `/api/v1/projects/${P}/comparisons`, params: { id: P }, level: "review" },
    { name: "create a comparison", handler: comparisons.POST, method: "POST", path: `/api/v1/projects/${P}/comparisons`, params: { id: P }, json: { versionAId: withFiles.id, versionBId: bare.id }, level: "review" },
    { name: "next comparison item", handler: comparisonNext.GET, method: "GET", path: `/api/v1/comparisons/${comparison.id}/next`, params: { id: comparison.id }, level: "review" },
    { name: "vote", handler: vote.POST, method: "POST", path: `/api/v1/comparison-items/${comparison.items[0].id}/vote`, params: { id: comparison.items[0].id }, json: { choice: "left" }, level: "review" },
    { name: "leaderboard", handler: leaderboard.GET, method: "GET", path: `/api/v1/projects/${P}/leaderboard`, params: { id: P }, level: "review" },
    { name: "get schedule", handler: schedule.GET, method: "GET", path: `/api/v1/projects/${P}/schedule`, params: { id: P }, level: "review" },
    { name: "set schedule", handler: schedule.PUT, method: "PUT", path: `/api/v1/projects/${P}/schedule`, params: { id: P }, json: { enabled: false, stages: ["sft"] }, level: "admin" },
  ];
});

afterAll(async () => {
  await stopQueue();
});

async function call(c: Case, token?: string) {
  const res = await c.handler(apiRequest(c.path, { method: c.method, token, json: c.json }), routeContext(c.params));
  return res.status;
}

const refused = [401, 403, 404];

describe("training routes authorisation", () => {
  it("anonymous callers, deactivated users and revoked tokens get 401 everywhere", async () => {
    for (const c of cases) {
      expect(await call(c), `${c.name} anonymous`).toBe(401);
      expect(await call(c, users.deactivated.token), `${c.name} deactivated`).toBe(401);
      expect(await call(c, users.revoked.token), `${c.name} revoked`).toBe(401);
      expect(await call(c, "rlhf_not-a-token"), `${c.name} unknown token`).toBe(401);
    }
  });

  it("labelers of the project are refused every training route (versions stay hidden from them)", async () => {
    for (const c of cases) expect(await call(c, users.labeler.token), c.name).toBe(403);
  });

  it("reviewers of the project may view, generate, review and vote, but not launch, cancel, promote or schedule", async () => {
    for (const c of cases) {
      const status = await call(c, users.reviewer.token);
      if (c.level === "review") expect(refused, `${c.name} -> ${status}`).not.toContain(status);
      else expect(status, c.name).toBe(403);
    }
  });

  it("a reviewer of another project gets 404 (or 403 where the role already refuses)", async () => {
    for (const c of cases) expect(await call(c, users.outsider.token), c.name).toBe(c.level === "admin" ? 403 : 404);
  });

  it("admins may call every route", async () => {
    for (const c of cases) {
      const status = await call(c, users.admin.token);
      expect(refused, `${c.name} -> ${status}`).not.toContain(status);
    }
  });

  it("the OpenAPI document is public and lists the training routes", async () => {
    const res = openapi.GET(new Request("http://localhost/api/v1/openapi.json"));
    const doc = await res.json();
    expect(doc.openapi).toBe("3.1.0");
    for (const p of ["/api/v1/projects/{id}/runs", "/api/v1/models/{id}/promote", "/api/v1/projects/{id}/leaderboard", "/api/v1/tasks/{id}/submit", "/api/v1/projects/{id}/import"]) expect(doc.paths[p], p).toBeDefined();
    expect(doc.paths["/api/v1/projects/{id}/runs"].post.requestBody.content["application/json"].schema.properties.stages).toBeDefined();
  });
});
