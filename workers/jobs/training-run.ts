// Job "training-run": runs a TrainingRun's stages in order. Each stage trains into
// ARTIFACTS_DIR/<projectId>/<runId>/<position>-<kind>, streams its metrics to StageMetric, its progress to
// TrainingStage and its log to RunLog, and registers a ModelVersion. Idempotent: a retried job skips
// finished stages and the engine resumes the interrupted one from outDir/checkpoint.
import fs from "node:fs";
import path from "node:path";
import { db } from "../../lib/db.ts";
import type { ModelKind, Prisma } from "../../lib/generated/prisma/client.ts";
import { STAGE_MODEL_KIND, type TRunConfig, type TStageName } from "../../lib/schemas/training.ts";
import { DataError, STAGES } from "../engine.ts";
import { withGenerators } from "./generate.ts";
import { artifactsDir, readSnapshotData, stageRecords, type TSnapshotRows } from "./data.ts";

export type TTrainingOutcome = "succeeded" | "failed" | "cancelled" | "interrupted";

export interface TrainingJobOptions {
  /** Aborted when the worker shuts down: stages checkpoint and the job is left for a retry. */
  signal?: AbortSignal;
  /** The last try: an error now fails the run instead of leaving it for a retry. */
  finalAttempt?: boolean;
  /** Console echo of log lines. */
  echo?: (line: string) => void;
  /** How often cancelRequested is read (ms). */
  cancelPollMs?: number;
  /** Sample answers on a few prompts after SFT and policy stages (default true). */
  evaluate?: boolean;
}

/** An error that retrying cannot fix (bad data or config): the run fails at once. */
export function isPermanentError(err: unknown): boolean {
  if (err instanceof DataError) return true;
  const m = err instanceof Error ? err.message : String(err);
  return /config: |no records|needs `from`|not found|unknown stage|no model/i.test(m);
}

type TModelRef = { versionId: string | null; dir: string; kind: ModelKind };

const stageKind = (k: string) => k.toLowerCase() as TStageName;

/** Scalar top-level keys of the run config apply to every stage; the stage's own block wins. */
export function stageConfig(kind: TStageName, config: TRunConfig, preset: string): Record<string, unknown> {
  const common: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (k === "corpus" || k === "rewardVersionId" || ["pretrain", "sft", "rm", "ppo", "dpo"].includes(k)) continue;
    if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") common[k] = v;
  }
  const own = (config[kind] as Record<string, unknown> | undefined) ?? {};
  return { ...common, ...(kind === "pretrain" ? { preset } : {}), ...own };
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

/** Runs (or resumes) one training run. Never throws for a stage failure on the final attempt. */
export async function runTrainingJob(runId: string, options: TrainingJobOptions = {}): Promise<TTrainingOutcome> {
  const run = await db.trainingRun.findUnique({
    where: { id: runId },
    include: { stages: { orderBy: { position: "asc" }, include: { modelVersion: true } }, fromVersion: true },
  });
  if (!run) return "failed";
  if (run.status === "SUCCEEDED") return "succeeded";
  if (run.status === "FAILED") return "failed";
  if (run.status === "CANCELLED") return "cancelled";
  const logger = runLogger(runId, options.echo);
  const { log } = logger;

  const finishCancelled = async () => {
    await db.trainingStage.updateMany({ where: { runId, status: { in: ["QUEUED", "RUNNING"] } }, data: { status: "CANCELLED", finishedAt: new Date() } });
    await db.trainingRun.update({ where: { id: runId }, data: { status: "CANCELLED", finishedAt: new Date() } });
    log("Run cancelled.");
    await logger.flush();
    return "cancelled" as const;
  };
  if (run.cancelRequested) return finishCancelled();

  await db.trainingRun.update({ where: { id: runId }, data: { status: "RUNNING", startedAt: run.startedAt ?? new Date(), error: null } });
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

    // Cancellation (cancelRequested, read every few seconds) and interruption (worker shutdown).
    const ac = new AbortController();
    let reason: "cancel" | "interrupt" | null = null;
    const onInterrupt = () => {
      reason ??= "interrupt";
      ac.abort();
    };
    if (options.signal?.aborted) onInterrupt();
    options.signal?.addEventListener("abort", onInterrupt);
    const poll = setInterval(() => {
      void db.trainingRun
        .findUnique({ where: { id: runId }, select: { cancelRequested: true } })
        .then((r) => {
          if (r?.cancelRequested) {
            reason ??= "cancel";
            ac.abort();
          }
        })
        .catch(() => {});
    }, options.cancelPollMs ?? 2_000);

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
      if (kind !== "pretrain" && !from) throw new Error(`${kind} needs a starting model: no model to start from (fromVersionId or an earlier stage)`);
      if (kind === "ppo" && !reward) throw new Error("ppo needs a reward model: no model from an rm stage or rewardVersionId");
      snapshot ??= await readSnapshotData(run.snapshotId);
      const data = await stageRecords(kind, { projectId: run.projectId, snapshot, corpus: config.corpus });
      await db.trainingStage.update({
        where: { id: stage.id },
        data: { status: "RUNNING", attempts: { increment: 1 }, startedAt: stage.startedAt ?? new Date(), checkpointDir: path.join(outDir, "checkpoint"), error: null },
      });
      log(`${resuming ? "Resuming" : "Starting"} stage ${stage.position + 1} (${kind}) with ${data.length} records${resuming ? ` from its checkpoint (step ${stage.step})` : ""}.`);
      const result = await STAGES[kind]({
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
      clearInterval(flushTimer);
      await flushMetrics();
      await db.trainingStage.update({ where: { id: stage.id }, data: { step: result.step, totalSteps: result.totalSteps } });

      if (result.status === "cancelled") {
        if (reason === "cancel") return await finishCancelled();
        await db.trainingStage.update({ where: { id: stage.id }, data: { status: "QUEUED" } });
        await db.trainingRun.update({ where: { id: runId }, data: { status: "QUEUED" } });
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
        config: { ...stageConfig(kind, config, run.preset), runId, preset: run.preset, stage: kind, earlyStopped: result.status === "early_stopped" } as Prisma.InputJsonValue,
        metrics: result.metrics as Prisma.InputJsonValue,
      };
      const version = await db.$transaction(async (tx) => {
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
      log(`Stage ${stage.position + 1} (${kind}) ${result.status === "early_stopped" ? "stopped early" : "finished"} at step ${result.step}: version ${version.name}.`);

      if ((options.evaluate ?? true) && (modelKind === "SFT" || modelKind === "POLICY")) {
        await evaluateVersion(version.id, outDir, snapshot).catch((err) => log(`Sample answers failed: ${(err as Error).message}`, "warn"));
      }
      const ref: TModelRef = { versionId: version.id, dir: outDir, kind: modelKind };
      if (kind === "rm") reward = ref;
      else if (kind === "pretrain" || kind === "sft") lm = ref;
    } catch (err) {
      clearInterval(flushTimer);
      await flushMetrics().catch(() => {});
      const message = err instanceof Error ? err.message : String(err);
      const permanent = isPermanentError(err);
      log(`Stage ${stage.position + 1} (${kind}) failed: ${message}`, "error");
      if (permanent || options.finalAttempt) {
        await db.trainingStage.update({ where: { id: stage.id }, data: { status: "FAILED", error: message, finishedAt: new Date() } });
        await db.trainingStage.updateMany({ where: { runId, status: "QUEUED" }, data: { status: "CANCELLED" } });
        await db.trainingRun.update({ where: { id: runId }, data: { status: "FAILED", error: `${kind}: ${message}`, finishedAt: new Date() } });
        await logger.flush();
        return "failed";
      }
      await db.trainingStage.update({ where: { id: stage.id }, data: { status: "QUEUED", error: message } });
      await db.trainingRun.update({ where: { id: runId }, data: { status: "QUEUED", error: `${kind}: ${message} (retrying)` } });
      log("The job will be retried; the stage resumes from its last checkpoint.", "warn");
      await logger.flush();
      throw err;
    } finally {
      clearInterval(poll);
      clearInterval(flushTimer);
      options.signal?.removeEventListener("abort", onInterrupt);
    }
  }

  await db.trainingRun.update({ where: { id: runId }, data: { status: "SUCCEEDED", finishedAt: new Date(), error: null } });
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
