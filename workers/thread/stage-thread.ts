// Runs one training stage in a worker thread (run-stage.ts) with the same input and result as calling
// STAGES[kind] in-process: metrics, progress and log lines come back to the callbacks here, in order;
// aborting input.signal asks the stage to stop at its next step (it writes a checkpoint and returns
// "cancelled"); kill() ends the thread at once, mid-step, without a checkpoint (a lost lease, or a
// cancelled round whose step does not end).
//
// A thread rather than a child process: it shares the worker's memory limits and start-up (no second
// Node with tsx, no second Prisma client), tfjs and the native kernel addon (a Node-API module, so
// loadable once per thread) initialise in it in ~1 s, and data and results cross as structured clones.
import { Worker } from "node:worker_threads";
import { DataError } from "../data/index.ts";
import type { StageInput, StageName, StageResult } from "../train/common.ts";
import type { StageThreadData, StageThreadMessage } from "./protocol.ts";
import { EngineError } from "../errors.ts";

/** Why a stage thread was ended by kill(). */
export class StageKilledError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "StageKilledError";
  }
}

export interface StageThread {
  /** The stage's result, after every metrics row handed to input.sink has been written. */
  result: Promise<StageResult>;
  /** Ends the thread now; `result` rejects with a StageKilledError(reason). */
  kill(reason: string): void;
}

/** The backend the first stage thread of this process chose (auto mode measures it once, ~1-3 s). */
let chosenBackend: string | undefined;

export function startStageThread(kind: StageName, input: StageInput<Record<string, unknown>>): StageThread {
  const stop = new SharedArrayBuffer(4);
  const stopFlag = new Int32Array(stop);
  const requestStop = () => Atomics.store(stopFlag, 0, 1);
  if (input.signal?.aborted) requestStop();
  input.signal?.addEventListener("abort", requestStop);

  const workerData: StageThreadData = {
    entry: new URL("./run-stage.ts", import.meta.url).href,
    kind,
    input: { config: input.config ?? {}, data: input.data, from: input.from, reward: input.reward, outDir: input.outDir, resume: input.resume },
    stop,
    blockStepMs: Number(process.env.RLHF_TEST_BLOCK_STEP_MS ?? 0) || 0,
    backend: chosenBackend,
  };
  const worker = new Worker(new URL("./boot.mjs", import.meta.url), { workerData });
  let killed: string | null = null;

  const result = new Promise<StageResult>((resolve, reject) => {
    // Metrics rows are written one call after another, as the in-process stage awaited them.
    let sinkChain: Promise<void> = Promise.resolve();
    let sinkError: unknown = null;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      input.signal?.removeEventListener("abort", requestStop);
      fn();
      void worker.terminate();
    };
    worker.on("message", (m: StageThreadMessage) => {
      if (m.type === "backend") chosenBackend ??= m.name;
      else if (m.type === "log") input.log?.(m.line);
      else if (m.type === "progress") input.onProgress?.(m.step, m.total);
      else if (m.type === "metrics") {
        sinkChain = sinkChain.then(async () => {
          if (sinkError === null) await input.sink?.log(m.step, m.metrics);
        }).catch((err) => {
          sinkError = err;
          requestStop();
        });
      } else {
        void sinkChain.then(() =>
          settle(() => {
            if (killed) reject(new StageKilledError(killed));
            else if (m.type === "done") sinkError === null ? resolve(m.result) : reject(sinkError);
            else {
              const err = m.dataError ? new DataError(m.message) : m.engine ? new EngineError(m.engine.code, m.message, m.engine.retryable) : new Error(m.message);
              if (m.stack) err.stack = m.stack;
              reject(err);
            }
          }),
        );
      }
    });
    worker.on("error", (err) => settle(() => reject(killed ? new StageKilledError(killed) : err)));
    worker.on("exit", (code) =>
      void sinkChain.then(() => settle(() => reject(killed ? new StageKilledError(killed) : new Error(`the training thread exited (code ${code}) before its stage finished`)))),
    );
  });

  return {
    result,
    kill(reason) {
      if (killed) return;
      killed = reason;
      requestStop();
      void worker.terminate();
    },
  };
}
