import { AppError } from "@/lib/errors";
import type { TStageName } from "@/lib/schemas/training";

// Checks a run's stage order before anything is queued. Pure: the caller passes the kinds of the
// starting version and of the reward version, when there are any.
//   pretrain: from nothing (a new model) or from the starting version
//   sft, rm, dpo: need a language model: the starting version (BASE, SFT or POLICY) or an earlier
//                 pretrain / sft stage
//   ppo: a language model as above, and a reward model: an earlier rm stage or a reward version (RM)
export function planStages(
  stages: TStageName[],
  options: { fromKind?: "BASE" | "SFT" | "RM" | "POLICY" | null; rewardKind?: string | null } = {},
): void {
  let haveLm = Boolean(options.fromKind && options.fromKind !== "RM");
  let haveRm = options.fromKind === "RM" || options.rewardKind === "RM";
  const issues: { path: string; message: string }[] = [];
  stages.forEach((s, i) => {
    const where = `stages.${i}`;
    if (s === "pretrain") {
      haveLm = true;
      return;
    }
    if (!haveLm) issues.push({ path: where, message: `${s} needs a starting version (fromVersionId) or an earlier pretrain/sft stage` });
    if (s === "ppo" && !haveRm) issues.push({ path: where, message: "ppo needs a reward model: an earlier rm stage or config.rewardVersionId" });
    if (s === "sft") haveLm = true;
    if (s === "rm") haveRm = true;
  });
  if (issues.length) throw new AppError("INVALID_INPUT", issues.map((i) => `${i.path}: ${i.message}`).join("; "), issues);
}

/** Stages that read labeled data (and so need a snapshot). */
export function needsSnapshot(stages: TStageName[]): boolean {
  return stages.some((s) => s !== "pretrain");
}
