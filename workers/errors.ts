// The engine's one error type: a code, and whether running the stage again can help. The job worker
// retries a failed stage only when `retryable` says so (workers/jobs/training-run.ts); errors that are
// not EngineErrors (a crash, the database, memory) are taken as passing and retried.
import { DataError } from "./data/index.ts";

export type TEngineErrorCode =
  /** A hyperparameter is unknown or out of range (lib/schemas/hyperparameters.ts). */
  | "INVALID_CONFIG"
  /** The stage has no usable records (empty snapshot, nothing left after tokenisation). */
  | "NO_DATA"
  /** A model to start from, or the reward model, is missing or not a model directory. */
  | "NO_MODEL"
  /** Two models that must share a tokenizer do not. */
  | "MODEL_MISMATCH"
  /** A loss or metric became NaN or infinite (resuming replays the same steps). */
  | "NON_FINITE";

const RETRYABLE: Record<TEngineErrorCode, boolean> = { INVALID_CONFIG: false, NO_DATA: false, NO_MODEL: false, MODEL_MISMATCH: false, NON_FINITE: false };

export class EngineError extends Error {
  readonly code: TEngineErrorCode;
  readonly retryable: boolean;
  constructor(code: TEngineErrorCode, message: string, retryable = RETRYABLE[code]) {
    super(message);
    this.name = "EngineError";
    this.code = code;
    this.retryable = retryable;
  }
}

/** Whether running the stage again can help: not for EngineErrors that say so, nor for bad data. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof EngineError) return err.retryable;
  if (err instanceof DataError) return false;
  return true;
}
