// A worker thread that trains one stage (started by workers/thread/stage-thread.ts through boot.mjs).
// Training steps are long synchronous computations; here they block only this thread, so the worker's
// main thread keeps its heartbeat, lease, cancellation polls and generation streams going. Metrics,
// progress and log lines go back as messages; a stop request arrives through shared memory, read after
// every step (a message could not be read: the loop does not yield to the event loop between steps).
import { parentPort, workerData } from "node:worker_threads";
import { DataError, STAGES, initBackend } from "../engine.ts";
import type { StageThreadData, StageThreadMessage } from "./protocol.ts";
import { EngineError } from "../errors.ts";

const { kind, input, stop, blockStepMs, backend } = workerData as StageThreadData;
const stopFlag = new Int32Array(stop);
const ac = new AbortController();
const post = (m: StageThreadMessage) => parentPort!.postMessage(m);
const checkStop = () => {
  if (Atomics.load(stopFlag, 0) !== 0 && !ac.signal.aborted) ac.abort();
};

try {
  const chosen = await initBackend({ backend, log: (line) => post({ type: "log", line }) });
  post({ type: "backend", name: ({ "tensorflow-gpu": "node-gpu", tensorflow: "node" } as Record<string, string>)[chosen.name] ?? chosen.name });
  checkStop();
  const result = await STAGES[kind]({
    ...input,
    signal: ac.signal,
    sink: {
      log(step, metrics) {
        post({ type: "metrics", step, metrics });
      },
    },
    onProgress(step, total) {
      post({ type: "progress", step, total });
      if (blockStepMs > 0) {
        const until = Date.now() + blockStepMs;
        while (Date.now() < until) {
          // busy, like a step this slow (not interruptible: a stop is read after it)
        }
      }
      checkStop();
    },
    log: (line) => post({ type: "log", line }),
  });
  post({ type: "done", result });
} catch (err) {
  const e = err instanceof Error ? err : new Error(String(err));
  post({ type: "error", message: e.message, stack: e.stack, dataError: err instanceof DataError, engine: err instanceof EngineError ? { code: err.code, retryable: err.retryable } : undefined });
}
