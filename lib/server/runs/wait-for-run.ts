import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";

/** Polls a run until it is SUCCEEDED, FAILED or CANCELLED (for scripts and tests); returns the final status. */
export async function waitForRun(runId: string, options: { timeoutMs?: number; pollMs?: number } = {}) {
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  for (;;) {
    const run = await db.trainingRun.findUnique({ where: { id: runId }, select: { status: true, error: true } });
    if (!run) throw AppError.notFound("Run");
    if (run.status === "SUCCEEDED" || run.status === "FAILED" || run.status === "CANCELLED") return run;
    if (Date.now() > deadline) throw new AppError("UNAVAILABLE", `Run ${runId} did not finish in time (status ${run.status})`);
    await new Promise((r) => setTimeout(r, options.pollMs ?? 1_000));
  }
}
