// A bad hyperparameter is refused with 422 naming the key and the stage before anything is queued; a good
// per-stage config is accepted. The same schemas drive the schedule request and the engine (see
// tests/engine/hyperparameters.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { stopQueue } from "@/lib/server/runs/job-queue";
import * as projectRuns from "@/app/api/v1/projects/[id]/runs/route";
import * as schedule from "@/app/api/v1/projects/[id]/schedule/route";
import { apiRequest, createProject, createUser, routeContext, type TTestUser } from "../helpers/factories";

type H = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
async function call(h: H, path: string, o: { method?: string; token: string; json: unknown; params: Record<string, string> }) {
  const res = await h(apiRequest(path, { method: o.method ?? "POST", token: o.token, json: o.json }), routeContext(o.params));
  return { status: res.status, body: (await res.json()) as { id?: string; error?: string; issues?: { path: string; message: string }[] } };
}

let admin: TTestUser;
let project: { id: string };
const post = (json: unknown) => call(projectRuns.POST, `/api/v1/projects/${project.id}/runs`, { token: admin.token, json, params: { id: project.id } });
const runCount = () => db.trainingRun.count({ where: { projectId: project.id } });
const snapshotCount = () => db.datasetSnapshot.count({ where: { projectId: project.id } });

beforeAll(async () => {
  admin = await createUser({ role: "ADMIN" });
  project = await createProject({ createdById: admin.id });
});
afterAll(async () => {
  await stopQueue();
});

describe("a round's hyperparameters", () => {
  it("a typo in a shared key is refused with 422 naming the key and the stage, and nothing is queued", async () => {
    const before = { runs: await runCount(), snapshots: await snapshotCount() };
    const r = await post({ stages: ["pretrain", "sft"], config: { maxStep: 20 } });
    expect(r.status).toBe(422);
    expect(r.body.error).toBe("config.maxStep: unknown hyperparameter (stage pretrain)");
    expect(r.body.issues).toEqual([{ path: "config.maxStep", message: "unknown hyperparameter (stage pretrain)" }]);
    expect({ runs: await runCount(), snapshots: await snapshotCount() }).toEqual(before);
  });

  it("a PPO-only key at the top level is refused by the stages that do not know it", async () => {
    const r = await post({ stages: ["pretrain", "sft", "rm", "ppo"], config: { klCoef: 0.1 } });
    expect(r.status).toBe(422);
    expect(r.body.error).toBe("config.klCoef: unknown hyperparameter (stage pretrain)");
    expect(await runCount()).toBe(0);
  });

  it("a value out of range in a stage's block names the block's key and its range", async () => {
    const r = await post({ stages: ["pretrain", "sft", "rm", "ppo"], config: { ppo: { klCoef: 11, klEstimator: "k2" }, sft: { lr: "fast" } } });
    expect(r.status).toBe(422);
    expect(r.body.error).toContain("config.sft.lr: must be a number (stage sft)");
    expect(r.body.error).toContain("config.ppo.klCoef: must be at most 10 (stage ppo)");
    expect(r.body.error).toContain("config.ppo.klEstimator: must be one of k1, k3 (stage ppo)");
    const neg = await post({ stages: ["pretrain"], config: { batchSize: 0 } });
    expect(neg.body.error).toBe("config.batchSize: must be at least 1 (stage pretrain)");
  });

  it("a valid per-stage config with shared keys is accepted (201) and stored as sent", async () => {
    const config = { maxSteps: 3, batchSize: 4, corpus: ["a b c"], pretrain: { lr: 1e-3 }, ppo: { klCoef: 0.1, maxNewTokens: 6 } };
    const r = await post({ stages: ["pretrain"], config });
    expect(r.status).toBe(201);
    const run = await db.trainingRun.findUniqueOrThrow({ where: { id: r.body.id! } });
    expect(run.config).toEqual(config);
  });

  it("a schedule with a bad hyperparameter is refused with 422 naming it", async () => {
    const r = await call(schedule.PUT, `/api/v1/projects/${project.id}/schedule`, {
      method: "PUT",
      token: admin.token,
      json: { enabled: true, minNewLabels: 3, stages: ["rm"], config: { rm: { centerRewardsCoef: -1 } } },
      params: { id: project.id },
    });
    expect(r.status).toBe(422);
    expect(r.body.issues).toContainEqual({ path: "config.rm.centerRewardsCoef", message: "must be at least 0 (stage rm)" });
  });
});
