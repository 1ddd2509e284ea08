// Messages between the worker's main thread and the thread that trains one stage (workers/thread/).
import type { StageName, StageResult } from "../train/common.ts";
import type { TEngineErrorCode } from "../errors.ts";

/** What the thread is started with (structured-cloned): the stage's input without its callbacks. */
export interface StageThreadData {
  /** The module the boot file imports (run-stage.ts). */
  entry: string;
  kind: StageName;
  input: {
    config: Record<string, unknown>;
    data: readonly unknown[];
    from?: string;
    reward?: string;
    outDir: string;
    resume?: boolean;
  };
  /** Int32Array over it: [0] != 0 asks the stage to stop at its next step (it writes a checkpoint). */
  stop: SharedArrayBuffer;
  /** The backend an earlier stage thread chose (RLHF_BACKEND's values), so this one need not measure again. */
  backend?: string;
  /** Test hook: the thread stays busy this long after every step (RLHF_TEST_BLOCK_STEP_MS); 0 = off. */
  blockStepMs: number;
}

export type StageThreadMessage =
  | { type: "backend"; name: string }
  | { type: "log"; line: string }
  | { type: "metrics"; step: number; metrics: Record<string, number> }
  | { type: "progress"; step: number; total: number }
  | { type: "done"; result: StageResult }
  | { type: "error"; message: string; stack?: string; dataError: boolean; engine?: { code: TEngineErrorCode; retryable: boolean } };
