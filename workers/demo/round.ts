// The demo, start to finish, through the public HTTP API: a project with a synthetic task, simulated
// labelers (their own accounts and tokens) who write demonstrations and rank the SFT model's answers by
// a hidden oracle, two training rounds run by the worker (pretrain -> SFT; then RM -> PPO and DPO), and
// the measurements against the oracle (measure.ts). The caller provides the admin's API client and the
// labelers' accounts (scripts/demo.ts: from the database; tests: through the API).
import path from "node:path";
import { DemoApi } from "../../lib/demo/client.ts";
import { DemoRng, derivedRng } from "../../lib/demo/random.ts";
import { pretrainingCorpus } from "../../lib/demo/synthetic.ts";
import { rankResponses } from "../../lib/demo/labelers.ts";
import type { DemoScenario } from "../../lib/demo/oracles.ts";
import type { TDemoPlan } from "../../lib/demo/config.ts";
import type { TDemoReport } from "../../lib/demo/report.ts";
import type { TRunView } from "../../lib/schemas/training.ts";
import { measureRound } from "./measure.ts";

export interface DemoLabeler {
  email: string;
  api: DemoApi;
}

export interface RunDemoOptions {
  admin: DemoApi;
  /** Creates (or finds) `n` labeler accounts with their own tokens (LABELER role). */
  labelers: (n: number) => Promise<DemoLabeler[]>;
  scenario: DemoScenario;
  plan: TDemoPlan;
  seed: number;
  /** Plackett-Luce temperature of the simulated labelers (0 = rank exactly by the oracle). */
  labelTemperature: number;
  reduced: boolean;
  /** Where the worker writes models (ARTIFACTS_DIR of the instance). */
  artifactsDir: string;
  log: (line: string) => void;
  /** How long to wait for one training run. */
  runTimeoutMs?: number;
}

type TNextTask = { id: string; kind: string; prompt: string; responses: { id: string; text: string }[] };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (a?: string | null, b?: string | null) => (a && b ? (Date.parse(b) - Date.parse(a)) / 1000 : 0);

/** Each labeler claims and submits tasks of `kind` until `done()` (or nothing is left for anyone). */
async function labelAll(
  labelers: DemoLabeler[],
  projectId: string,
  kind: "demonstration" | "ranking",
  answer: (task: TNextTask) => Record<string, unknown>,
  o: { until?: () => boolean; waitForMoreMs?: number } = {},
): Promise<number> {
  let submitted = 0;
  const deadline = Date.now() + (o.waitForMoreMs ?? 0);
  await Promise.all(
    labelers.map(async (l) => {
      for (;;) {
        if (o.until?.()) return;
        const task = await l.api.request<TNextTask>("GET", `/api/v1/projects/${projectId}/tasks/next?kind=${kind}`, undefined, { allow204: true });
        if (!task) {
          // More tasks may still be on their way (candidate answers are written by the worker).
          if (o.until && !o.until() && Date.now() < deadline) {
            await sleep(1000);
            continue;
          }
          return;
        }
        await l.api.post(`/api/v1/tasks/${task.id}/submit`, answer(task));
        submitted += 1;
      }
    }),
  );
  return submitted;
}

/** Polls a run until it ends; logs each stage's progress. */
async function waitForRun(api: DemoApi, runId: string, log: (l: string) => void, timeoutMs: number): Promise<TRunView> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    const run = await api.get<TRunView>(`/api/v1/runs/${runId}`);
    const line = run.stages.map((s) => `${s.kind} ${s.status.toLowerCase()}${s.status === "RUNNING" ? ` ${s.step}/${s.totalSteps}` : ""}`).join(", ");
    if (line !== last) log(`  run ${runId}: ${line}`);
    last = line;
    if (run.status === "SUCCEEDED") return run;
    if (run.status === "FAILED" || run.status === "CANCELLED") throw new Error(`training run ${runId} ${run.status.toLowerCase()}: ${run.error ?? "(no error)"}`);
    if (Date.now() > deadline) throw new Error(`training run ${runId} did not finish in ${Math.round(timeoutMs / 1000)}s (is the worker running?)`);
    await sleep(2000);
  }
}

/** A version's model directory: from the registry (GET /api/v1/models/{id}), else the worker's layout. */
async function versionDir(api: DemoApi, artifactsDir: string, run: TRunView, kind: string): Promise<{ id: string; dir: string }> {
  const stage = run.stages.find((s) => s.kind === kind);
  if (!stage?.modelVersionId) throw new Error(`run ${run.id} has no ${kind} version`);
  let rel = path.join(run.projectId, run.id, `${stage.position}-${kind}`);
  try {
    const v = await api.get<{ artifactPath: string | null }>(`/api/v1/models/${stage.modelVersionId}`);
    if (v.artifactPath) rel = v.artifactPath;
  } catch {
    /* the registry endpoint is optional here: the worker's layout is known */
  }
  return { id: stage.modelVersionId, dir: path.join(artifactsDir, rel) };
}

export async function runDemo(o: RunDemoOptions): Promise<TDemoReport> {
  const t0 = Date.now();
  const { admin, scenario, plan, log } = o;
  const { task, oracle } = scenario;
  const rng = new DemoRng(o.seed);
  const times: Record<string, number> = {};
  const runTimeout = o.runTimeoutMs ?? 30 * 60_000;

  // 1. The project, its labelers and its prompts.
  const prompts = task.prompts(rng);
  const project = await admin.post<{ id: string }>("/api/v1/projects", {
    name: `Demo: hidden preference "${oracle.name}" (seed ${o.seed}${o.reduced ? ", reduced" : ""})`,
    guidelines: `Simulated labelers follow a hidden rule: the oracle ${oracle.describe}. The models never see it; the demo measures them against it.`,
    responsesPerTask: plan.responsesPerTask,
    labelsPerItem: 1,
  });
  const projectId = project.id;
  log(`Project ${projectId}: ${prompts.filter((p) => p.split === "train").length} train and ${prompts.filter((p) => p.split === "eval").length} held-out prompts (task "${task.name}").`);
  const labelers = await o.labelers(plan.labelers);
  for (const l of labelers) await admin.post(`/api/v1/projects/${projectId}/members`, { email: l.email, role: "LABELER" });
  const jsonl = prompts.map((p) => JSON.stringify({ prompt: p.text, split: p.split })).join("\n");
  const imported = await admin.request<{ imported: number; rejected: unknown[] }>("POST", `/api/v1/projects/${projectId}/import`, jsonl, { contentType: "application/x-ndjson" });
  if (!imported || imported.imported !== prompts.length) throw new Error(`import: expected ${prompts.length} prompts, got ${JSON.stringify(imported)}`);

  // 2. Demonstrations: answers as people write them, blind to the hidden rule. Every label draws from a
  // generator of its own, derived from the seed and the prompt (not from `rng`, nor from which labeler
  // claims the task): the labelers run concurrently, and a shared generator made the labels, and so
  // every model after them, depend on the order in which their requests happened to interleave.
  let t = Date.now();
  const demonstrations = await labelAll(labelers, projectId, "demonstration", (tk) => ({ text: task.answer(tk.prompt, derivedRng(o.seed, "demonstration", tk.prompt)) }));
  times.demonstrations = (Date.now() - t) / 1000;
  log(`${labelers.length} labelers wrote ${demonstrations} demonstrations (${times.demonstrations.toFixed(0)}s).`);

  // 3. Round 1: pretrain a tiny base model on the synthetic corpus, then SFT on the demonstrations.
  const corpus = pretrainingCorpus(task, prompts, rng, plan.docsPerPrompt);
  const run1 = await admin.post<{ id: string }>(`/api/v1/projects/${projectId}/runs`, {
    stages: ["pretrain", "sft"],
    preset: "tiny",
    config: { corpus, pretrain: plan.stages.pretrain, sft: plan.stages.sft },
  });
  log(`Round 1 (pretrain -> SFT): run ${run1.id}`);
  const r1 = await waitForRun(admin, run1.id, log, runTimeout);
  for (const s of r1.stages) times[s.kind] = seconds(s.startedAt, s.finishedAt);
  const base = await versionDir(admin, o.artifactsDir, r1, "pretrain");
  const sftV = await versionDir(admin, o.artifactsDir, r1, "sft");

  // 4. The SFT model answers train prompts (K answers each, ranking tasks); labelers rank them.
  t = Date.now();
  let expected = Math.min(plan.rankingPrompts, prompts.filter((p) => p.split === "train").length);
  const job = await admin.post<{ jobId: string }>(`/api/v1/projects/${projectId}/candidates`, { versionIds: [sftV.id], limit: expected });
  // The worker writes the tasks one prompt at a time; labelers rank them as they come.
  let jobError: string | null = null;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const st = await admin.get<{ state: string; output: { tasks?: number; message?: string } | null }>(`/api/v1/projects/${projectId}/candidates?jobId=${job.jobId}`).catch(() => null);
      if (st?.state === "completed" && typeof st.output?.tasks === "number") {
        expected = st.output.tasks;
        return;
      }
      if (st && (st.state === "failed" || st.state === "cancelled")) {
        jobError = `candidates job ${st.state}: ${JSON.stringify(st.output).slice(0, 300)}`;
        return;
      }
      await sleep(1000);
    }
  })();
  let ranked = 0;
  const score = (prompt: string) => (text: string) => oracle.score(prompt, text);
  await labelAll(
    labelers,
    projectId,
    "ranking",
    (tk) => {
      ranked += 1;
      return { ranking: rankResponses(tk.responses, score(tk.prompt), o.labelTemperature, derivedRng(o.seed, "ranking", tk.prompt)), orderAction: "moved" };
    },
    { until: () => ranked >= expected || jobError !== null, waitForMoreMs: 20 * 60_000 },
  );
  polling = false;
  await poller;
  if (jobError) throw new Error(jobError);
  times.rankings = (Date.now() - t) / 1000;
  log(`The SFT model answered ${expected} prompts x ${plan.responsesPerTask}; labelers ranked ${ranked} tasks (${times.rankings.toFixed(0)}s).`);

  // 5. Round 2: reward model, then PPO against it; DPO on the same rankings, beside it.
  const run2 = await admin.post<{ id: string }>(`/api/v1/projects/${projectId}/runs`, {
    stages: ["rm", "ppo", "dpo"],
    fromVersionId: sftV.id,
    config: { rm: plan.stages.rm, ppo: plan.stages.ppo, dpo: plan.stages.dpo },
  });
  log(`Round 2 (RM -> PPO, DPO from SFT): run ${run2.id}`);
  const r2 = await waitForRun(admin, run2.id, log, runTimeout);
  for (const s of r2.stages) times[s.kind] = seconds(s.startedAt, s.finishedAt);
  const rmV = await versionDir(admin, o.artifactsDir, r2, "rm");
  const ppoV = await versionDir(admin, o.artifactsDir, r2, "ppo");
  const dpoV = await versionDir(admin, o.artifactsDir, r2, "dpo");

  // 6. Measure every model against the hidden oracle on the held-out prompts.
  t = Date.now();
  const measurements = await measureRound({
    dirs: { base: base.dir, sft: sftV.dir, rm: rmV.dir, ppo: ppoV.dir, dpo: dpoV.dir },
    oracle,
    prompts: prompts.filter((p) => p.split === "eval").map((p) => p.text),
    samples: plan.evalSamples,
    temperature: plan.evalTemperature,
    maxNewTokens: plan.evalMaxNewTokens,
    seed: o.seed,
    log: (l) => log(`  ${l}`),
  });
  times.evaluation = (Date.now() - t) / 1000;
  const ppoM = measurements.models.find((m) => m.name === "ppo")!;
  return {
    oracle: { name: oracle.name, describe: oracle.describe },
    seed: o.seed,
    labelTemperature: o.labelTemperature,
    reduced: o.reduced,
    projectId,
    projectUrl: new URL(`/projects/${projectId}`, admin.baseUrl).toString(),
    labels: { demonstrations, rankings: ranked, labelers: labelers.length },
    times,
    runs: [r1, r2].map((r) => ({ id: r.id, stages: r.stages.map((s) => s.kind), status: r.status })),
    versions: { base: base.id, sft: sftV.id, rm: rmV.id, ppo: ppoV.id, dpo: dpoV.id },
    measurements,
    passed: ppoM.winVsSft > 0.5 && measurements.rm.accuracy > 0.5,
    totalSeconds: (Date.now() - t0) / 1000,
  };
}
