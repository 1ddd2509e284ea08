// Job "training-run": runs a TrainingRun's stages in order. Each stage trains into
// ARTIFACTS_DIR/<projectId>/<runId>/<position>-<kind>, streams its metrics to StageMetric, its progress to
// TrainingStage and its log to RunLog, and registers a ModelVersion. Idempotent: a retried job skips
// finished stages and the engine resumes the interrupted one from outDir/checkpoint.
//
// The stage trains in a worker thread (workers/thread/), so this process's event loop (heartbeat,
// lease renewal, cancellation, generation streams) stays live however long a step takes. The job holds
// the run's lease (run-lease.ts) from start to end: a second worker given the same run answers "busy",
// and a worker that loses the lease stops its stage at once and writes nothing more.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { db } from "../../lib/db.ts";
import type { ModelKind, Prisma } from "../../lib/generated/prisma/client.ts";
import { STAGE_MODEL_KIND, type TRunConfig, type TStageName } from "../../lib/schemas/training.ts";
import { stageOverrides } from "../../lib/schemas/hyperparameters.ts";
import { EngineError, isRetryable } from "../errors.ts";
import { StageKilledError, startStageThread, type StageThread } from "../thread/stage-thread.ts";
import { withGenerators } from "./generate.ts";
import { RUN_LEASE_MS, renewRunLease, takeRunLease, writeLeasedRun } from "./run-lease.ts";
import { artifactsDir, readSnapshotData, stageRecords, type TSnapshotRows } from "./data.ts";

/** busy: another worker holds the run's lease (nothing done); lost: this worker lost it mid-stage and stopped. */
export type TTrainingOutcome = "succeeded" | "failed" | "cancelled" | "interrupted" | "busy" | "lost";

export interface TrainingJobOptions {
  /** Aborted when the worker shuts down: stages checkpoint and the job is left for a retry. */
  signal?: AbortSignal;
  /** The last try: an error now fails the run instead of leaving it for a retry. */
  finalAttempt?: boolean;
  /** Console echo of log lines. */
  echo?: (line: string) => void;
  /** How often the lease is renewed and cancelRequested read (ms; at most a third of leaseMs). */
  cancelPollMs?: number;
  /** Who holds the run's lease while this job runs (the worker's heartbeat id); default a fresh id. */
  workerId?: string;
  /** How long the lease lasts without renewal (ms; default RUN_LEASE_MS). */
  leaseMs?: number;
  /** A cancelled stage that has not stopped at a step boundary after this long is ended mid-step (ms). */
  cancelGraceMs?: number;
  /** Sample answers on a few prompts after SFT and policy stages (default true). */
  evaluate?: boolean;
}

/** An error that retrying cannot fix (bad data or config, a missing model): the run fails at once. */
export function isPermanentError(err: unknown): boolean {
  return !isRetryable(err);
}

type TModelRef = { versionId: string | null; dir: string; kind: ModelKind };

const stageKind = (k: string) => k.toLowerCase() as TStageName;

/** A stage's hyperparameter overrides: the run config's shared keys, the run's preset (pretrain), the stage's own block. */
export function stageConfig(kind: TStageName, config: TRunConfig, preset: string): Record<string, unknown> {
  return stageOverrides(kind, config, preset);
}

/** A RunLog writer with a buffer (flushed with the metrics, and at once for warnings and errors). */
function runLogger(runId: string, echo?: (l: string) => void) {
  let buf: { runId: string; level: string; message: string }[] = [];
  const flush = async () => {
    if (!buf.length) return;
    const rows = buf;
    buf = [];
    await db.runLog.createMany({ data: rows });
  };
  const log = (message: string, level = "info") => {
    echo?.(`[run ${runId}] ${message}`);
    buf.push({ runId, level, message: message.slice(0, 4000) });
    if (level !== "info" || buf.length >= 100) void flush().catch(() => {});
  };
  return { log, flush };
}

/** The job's hold on its run: renewed every few seconds from taking the lease to the end. */
interface Hold {
  owner: string;
  leaseMs: number;
  /** Set once the lease is gone (taken by another worker, or not renewable in time). */
  lost: string | null;
  cancelRequested: boolean;
  /** What the running stage does on a cancel request or a lost lease. */
  stage: { cancel(): void; lose(why: string): void } | null;
}

/** Runs (or resumes) one training run. Never throws for a stage failure on the final attempt. */
export async function runTrainingJob(runId: string, options: TrainingJobOptions = {}): Promise<TTrainingOutcome> {
  const hold: Hold = { owner: options.workerId ?? `job:${crypto.randomUUID()}`, leaseMs: options.leaseMs ?? RUN_LEASE_MS, lost: null, cancelRequested: false, stage: null };
  if (!(await takeRunLease(runId, hold.owner, hold.leaseMs))) {
    const r = await db.trainingRun.findUnique({ where: { id: runId }, select: { status: true } });
    if (!r || r.status === "FAILED") return "failed";
    if (r.status === "SUCCEEDED") return "succeeded";
    if (r.status === "CANCELLED") return "cancelled";
    return "busy";
  }
  // Renew the lease (and read cancelRequested) until the job ends, between stages too.
  let renewed = Date.now();
  const lose = (why: string) => {
    hold.lost ??= why;
    hold.stage?.lose(hold.lost);
  };
  const keeper = setInterval(() => {
    void renewRunLease(runId, hold.owner, hold.leaseMs)
      .then((r) => {
        if (!r.held) return lose("another worker holds this round now");
        renewed = Date.now();
        if (r.cancelRequested) {
          hold.cancelRequested = true;
          hold.stage?.cancel();
        }
      })
      .catch(() => {
        // Unable to prove the lease is still ours before it runs out: stop rather than risk a twin.
        if (Date.now() - renewed > hold.leaseMs * 0.8) lose("could not renew its lease");
      });
  }, Math.max(10, Math.min(options.cancelPollMs ?? 2_000, hold.leaseMs / 3)));
  try {
    return await runHeld(runId, hold, options);
  } finally {
    clearInterval(keeper);
  }
}

async function runHeld(runId: string, hold: Hold, options: TrainingJobOptions): Promise<TTrainingOutcome> {
  const { owner, leaseMs } = hold;
  const run = await db.trainingRun.findUniqueOrThrow({
    where: { id: runId },
    include: { stages: { orderBy: { position: "asc" }, include: { modelVersion: true } }, fromVersion: true },
  });
  const logger = runLogger(runId, options.echo);
  const { log } = logger;
  /** The run's row, written only while this job holds the lease (`release` ends the round's hold). */
  const writeRun = (data: Prisma.TrainingRunUpdateManyMutationInput, release = false) => writeLeasedRun(runId, owner, data, { release });

  const finishCancelled = async () => {
    await db.trainingStage.updateMany({ where: { runId, status: { in: ["QUEUED", "RUNNING"] } }, data: { status: "CANCELLED", finishedAt: new Date() } });
    await writeRun({ status: "CANCELLED", finishedAt: new Date() }, true);
    log("Run cancelled.");
    await logger.flush();
    return "cancelled" as const;
  };
  if (run.cancelRequested) return finishCancelled();

  await writeRun({ status: "RUNNING", startedAt: run.startedAt ?? new Date(), error: null });
  const config = (run.config ?? {}) as TRunConfig;
  const root = artifactsDir();
  let snapshot: TSnapshotRows | null = null;

  // The model the next stage starts from, and the reward model for ppo.
  let lm: TModelRef | null = null;
  let reward: TModelRef | null = null;
  if (run.fromVersion?.artifactPath) {
    lm = { versionId: run.fromVersion.id, dir: path.join(root, run.fromVersion.artifactPath), kind: run.fromVersion.kind };
    if (run.fromVersion.kind === "RM") reward = lm;
  }
  if (config.rewardVersionId) {
    const rv = await db.modelVersion.findFirst({ where: { id: config.rewardVersionId, projectId: run.projectId, kind: "RM" } });
    if (rv?.artifactPath) reward = { versionId: rv.id, dir: path.join(root, rv.artifactPath), kind: "RM" };
  }

  for (const stage of run.stages) {
    if (hold.lost) return "lost";
    const kind = stageKind(stage.kind);
    if (stage.status === "SUCCEEDED" && stage.modelVersion?.artifactPath) {
      const ref: TModelRef = { versionId: stage.modelVersion.id, dir: path.join(root, stage.modelVersion.artifactPath), kind: stage.modelVersion.kind };
      if (kind === "rm") reward = ref;
      else if (kind === "pretrain" || kind === "sft") lm = ref;
      continue;
    }
    const rel = path.join(run.projectId, run.id, `${stage.position}-${kind}`);
    const outDir = path.join(root, rel);
    const resuming = fs.existsSync(path.join(outDir, "checkpoint"));

    // Cancellation (cancelRequested, read every few seconds with the lease renewal), interruption
    // (worker shutdown) and a lost lease. Cancel and interrupt stop the stage at its next step; a
    // cancelled step that does not end within cancelGraceMs, or a lost lease, ends the thread at once.
    const ac = new AbortController();
    let reason: "cancel" | "interrupt" | null = null;
    let thread = null as StageThread | null;
    let cancelKill: NodeJS.Timeout | undefined;
    const onInterrupt = () => {
      reason ??= "interrupt";
      ac.abort();
    };
    if (options.signal?.aborted) onInterrupt();
    options.signal?.addEventListener("abort", onInterrupt);
    hold.stage = {
      cancel() {
        if (reason !== null) return;
        reason = "cancel";
        ac.abort();
        cancelKill = setTimeout(() => thread?.kill("cancelled mid-step"), options.cancelGraceMs ?? 10_000);
      },
      lose: (why) => thread?.kill(why),
    };
    if (hold.cancelRequested) hold.stage.cancel();

    // Metrics: buffered and written in batches; rows of steps redone after a resume are replaced.
    let metricRows: { stageId: string; step: number; name: string; value: number }[] = [];
    let firstLoggedStep: number | null = null;
    let lastProgressWrite = 0;
    let progress = { step: stage.step, total: stage.totalSteps };
    const flushMetrics = async () => {
      const rows = metricRows;
      metricRows = [];
      if (rows.length) await db.stageMetric.createMany({ data: rows });
      await logger.flush();
    };
    const flushTimer = setInterval(() => void flushMetrics().catch(() => {}), 1_000);
    const sink = {
      async log(step: number, metrics: Record<string, number>) {
        if (firstLoggedStep === null) {
          firstLoggedStep = step;
          await db.stageMetric.deleteMany({ where: { stageId: stage.id, step: { gte: step } } });
        }
        for (const [name, value] of Object.entries(metrics)) {
          if (Number.isFinite(value)) metricRows.push({ stageId: stage.id, step, name, value });
        }
        if (metricRows.length >= 500) await flushMetrics();
      },
    };
    const onProgress = (step: number, total: number) => {
      progress = { step, total };
      const now = Date.now();
      if (now - lastProgressWrite < 1_000 && step < total) return;
      lastProgressWrite = now;
      void db.trainingStage.update({ where: { id: stage.id }, data: { step, totalSteps: total } }).catch(() => {});
    };

    try {
      const from = lm && lm.kind !== "RM" ? lm.dir : undefined;
      if (kind !== "pretrain" && !from) throw new EngineError("NO_MODEL", `${kind} needs a starting model: no model to start from (fromVersionId or an earlier stage)`);
      if (kind === "ppo" && !reward) throw new EngineError("NO_MODEL", "ppo needs a reward model: no model from an rm stage or rewardVersionId");
      snapshot ??= await readSnapshotData(run.snapshotId);
      const data = await stageRecords(kind, { projectId: run.projectId, snapshot, corpus: config.corpus });
      await db.trainingStage.update({
        where: { id: stage.id },
        data: { status: "RUNNING", attempts: { increment: 1 }, startedAt: stage.startedAt ?? new Date(), checkpointDir: path.join(outDir, "checkpoint"), error: null },
      });
      log(`${resuming ? "Resuming" : "Starting"} stage ${stage.position + 1} (${kind}) with ${data.length} records${resuming ? ` from its checkpoint (step ${stage.step})` : ""}.`);
      thread = startStageThread(kind, {
        config: stageConfig(kind, config, run.preset),
        data,
        from,
        reward: kind === "ppo" ? reward!.dir : undefined,
        outDir,
        sink,
        onProgress,
        signal: ac.signal,
        log: (line) => log(line.replace(/^\[engine\] /, "")),
        resume: true,
      });
      if (hold.lost) thread.kill(hold.lost);
      const result = await thread.result;
      clearInterval(flushTimer);
      await flushMetrics();
      await db.trainingStage.update({ where: { id: stage.id }, data: { step: result.step, totalSteps: result.totalSteps } });

      if (result.status === "cancelled") {
        if (reason === "cancel") return await finishCancelled();
        await db.trainingStage.update({ where: { id: stage.id }, data: { status: "QUEUED" } });
        await writeRun({ status: "QUEUED" }, true);
        log(`Interrupted at step ${result.step} of ${result.totalSteps}; the stage resumes from its checkpoint.`, "warn");
        await logger.flush();
        return "interrupted";
      }

      const modelKind = STAGE_MODEL_KIND[kind] as ModelKind;
      const parentId = lm?.versionId ?? null;
      const count = await db.modelVersion.count({ where: { projectId: run.projectId } });
      const versionData = {
        projectId: run.projectId,
        kind: modelKind,
        algorithm: kind,
        parentId,
        rewardModelId: kind === "ppo" ? (reward?.versionId ?? null) : null,
        snapshotId: run.snapshotId,
        artifactPath: rel,
        config: { ...stageConfig(kind, config, run.preset), runId, preset: run.preset, stage: kind, earlyStopped: result.status === "early_stopped", stopReason: result.stopReason } as Prisma.InputJsonValue,
        metrics: result.metrics as Prisma.InputJsonValue,
      };
      const version = await db.$transaction(async (tx) => {
        // Still this worker's round (the row stays locked until the version is in): else nothing is registered.
        if (!(await writeLeasedRun(runId, owner, { leaseExpiresAt: new Date(Date.now() + leaseMs) }, { tx }))) {
          hold.lost ??= "another worker holds this round now";
          throw new StageKilledError(hold.lost);
        }
        const v = await tx.modelVersion.upsert({
          where: { stageId: stage.id },
          create: { ...versionData, stageId: stage.id, name: `${kind}-${count + 1}` },
          update: versionData,
        });
        await tx.trainingStage.update({
          where: { id: stage.id },
          data: { status: "SUCCEEDED", finishedAt: new Date(), finalMetrics: result.metrics as Prisma.InputJsonValue, step: result.step, totalSteps: result.totalSteps },
        });
        return v;
      });
      log(`Stage ${stage.position + 1} (${kind}) ${result.status === "early_stopped" ? "stopped early" : "finished"} at step ${result.step} (${result.stopReason}): version ${version.name}.`);

      if ((options.evaluate ?? true) && (modelKind === "SFT" || modelKind === "POLICY")) {
        await evaluateVersion(version.id, outDir, snapshot).catch((err) => log(`Sample answers failed: ${(err as Error).message}`, "warn"));
      }
      const ref: TModelRef = { versionId: version.id, dir: outDir, kind: modelKind };
      if (kind === "rm") reward = ref;
      else if (kind === "pretrain" || kind === "sft") lm = ref;
    } catch (err) {
      clearInterval(flushTimer);
      if (hold.lost) {
        // Another worker has the round: leave every row to it.
        log(`Stage ${stage.position + 1} (${kind}) stopped on this worker: ${hold.lost}.`, "warn");
        await logger.flush().catch(() => {});
        return "lost";
      }
      await flushMetrics().catch(() => {});
      if (err instanceof StageKilledError && reason === "cancel") return await finishCancelled();
      const message = err instanceof Error ? err.message : String(err);
      const permanent = isPermanentError(err);
      log(`Stage ${stage.position + 1} (${kind}) failed: ${message}`, "error");
      if (permanent || options.finalAttempt) {
        await db.trainingStage.update({ where: { id: stage.id }, data: { status: "FAILED", error: message, finishedAt: new Date() } });
        await db.trainingStage.updateMany({ where: { runId, status: "QUEUED" }, data: { status: "CANCELLED" } });
        await writeRun({ status: "FAILED", error: `${kind}: ${message}`, finishedAt: new Date() }, true);
        await logger.flush();
        return "failed";
      }
      await db.trainingStage.update({ where: { id: stage.id }, data: { status: "QUEUED", error: message } });
      await writeRun({ status: "QUEUED", error: `${kind}: ${message} (retrying)` }, true);
      log("The job will be retried; the stage resumes from its last checkpoint.", "warn");
      await logger.flush();
      throw err;
    } finally {
      hold.stage = null;
      clearTimeout(cancelKill);
      clearInterval(flushTimer);
      options.signal?.removeEventListener("abort", onInterrupt);
    }
  }

  if (!(await writeRun({ status: "SUCCEEDED", finishedAt: new Date(), error: null }, true))) return "lost";
  log("Run finished.");
  await logger.flush();
  return "succeeded";
}

/** A few sample answers of a new version on the snapshot's eval prompts (else its first prompts). */
async function evaluateVersion(versionId: string, modelDir: string, snapshot: TSnapshotRows | null) {
  const rows = snapshot?.prompts ?? [];
  const chosen = [...rows.filter((p) => p.split === "eval"), ...rows.filter((p) => p.split !== "eval")].slice(0, 3);
  const samples = await withGenerators(async (answer) => {
    const out: { prompt: string; completion: string }[] = [];
    for (const p of chosen) {
      out.push({ prompt: p.prompt, completion: await answer(modelDir, { prompt: p.messages?.length ? p.messages : p.prompt, maxNewTokens: 32, temperature: 0.7, seed: 1 }) });
    }
    return out;
  });
  await db.modelVersion.update({ where: { id: versionId }, data: { evaluation: { samples } as Prisma.InputJsonValue } });
}
