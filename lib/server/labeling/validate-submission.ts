import "server-only";
import type { TaskKind } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { TOrderAction, TPairwiseChoice, TSubmitTaskRequest } from "@/lib/schemas/labeling";

// Checks a submission against its task (kind, response ids, the project's flag names) and returns the
// label to store. Every problem is listed as {path, message}; any problem is a 422.

export type TValidLabel =
  | { kind: "RANKING"; groups: string[][]; flags: Record<string, string[]>; scores: Record<string, number>; allBad: boolean; orderAction: TOrderAction }
  | { kind: "DEMONSTRATION"; text: string }
  | { kind: "PAIRWISE"; choice: TPairwiseChoice; strength: number; flags: Record<string, string[]> };

export function validateSubmission(options: {
  kind: TaskKind;
  /** The task's response ids in canonical (position) order; for PAIRWISE, [A, B] as stored. */
  responseIds: string[];
  /** For PAIRWISE: the response the labeler saw first ("A" on their screen). */
  shownFirst?: string;
  projectFlags: string[];
  request: TSubmitTaskRequest;
}): TValidLabel {
  const { kind, responseIds, request: r } = options;
  const issues: { path: string; message: string }[] = [];
  const known = new Set(responseIds);
  const notFor = (field: keyof TSubmitTaskRequest) => {
    if (r[field] !== undefined) issues.push({ path: field, message: `not used by a ${kind} task` });
  };

  const checkFlags = () => {
    for (const [id, names] of Object.entries(r.flags ?? {})) {
      if (!known.has(id)) issues.push({ path: `flags.${id}`, message: "not a response of this task" });
      for (const n of names) {
        if (!options.projectFlags.includes(n)) issues.push({ path: `flags.${id}`, message: `unknown flag "${n}" (this project's flags: ${options.projectFlags.join(", ")})` });
      }
    }
  };

  if (kind === "RANKING") {
    notFor("text");
    notFor("choice");
    notFor("strength");
    if (!r.ranking) issues.push({ path: "ranking", message: "required for a RANKING task: groups of response ids, best first" });
    else {
      const seen = new Set<string>();
      for (const id of r.ranking.flat()) {
        if (!known.has(id)) issues.push({ path: "ranking", message: `unknown response id "${id}"` });
        else if (seen.has(id)) issues.push({ path: "ranking", message: `response "${id}" appears more than once` });
        seen.add(id);
      }
      for (const id of responseIds) if (!seen.has(id)) issues.push({ path: "ranking", message: `response "${id}" is missing` });
    }
    // The shuffled starting order is no label: the labeler moved something or confirmed the order shown.
    if (!r.orderAction) issues.push({ path: "orderAction", message: 'required for a RANKING task: "moved" (you moved, tied or scored answers) or "confirmed" (the order shown is right)' });
    checkFlags();
    for (const id of Object.keys(r.score ?? {})) if (!known.has(id)) issues.push({ path: `score.${id}`, message: "not a response of this task" });
    if (issues.length) throw new AppError("INVALID_INPUT", `Invalid submission: ${issues[0].path}: ${issues[0].message}`, issues);
    return { kind, groups: r.ranking!, flags: r.flags ?? {}, scores: r.score ?? {}, allBad: r.allBad ?? false, orderAction: r.orderAction! };
  }

  if (kind === "DEMONSTRATION") {
    notFor("ranking");
    notFor("choice");
    notFor("strength");
    notFor("allBad");
    notFor("orderAction");
    if (r.flags && Object.keys(r.flags).length) issues.push({ path: "flags", message: "a DEMONSTRATION task has no responses to flag" });
    if (r.score && Object.keys(r.score).length) issues.push({ path: "score", message: "a DEMONSTRATION task has no responses to score" });
    if (!r.text) issues.push({ path: "text", message: "required for a DEMONSTRATION task" });
    if (issues.length) throw new AppError("INVALID_INPUT", `Invalid submission: ${issues[0].path}: ${issues[0].message}`, issues);
    return { kind, text: r.text! };
  }

  // PAIRWISE
  notFor("ranking");
  notFor("text");
  notFor("score");
  notFor("orderAction");
  // allBad is the choice "both_bad" said another way: accepted when it agrees with the choice.
  if (r.allBad !== undefined && r.choice && r.allBad !== (r.choice === "both_bad")) {
    issues.push({ path: "allBad", message: r.allBad ? 'true means both answers are bad: use it only with choice "both_bad"' : 'false contradicts choice "both_bad"' });
  }
  if (!r.choice) issues.push({ path: "choice", message: 'required for a PAIRWISE task: "A", "B", "tie" or "both_bad"' });
  const decisive = r.choice === "A" || r.choice === "B";
  const strength = r.strength ?? (decisive ? 1 : 0);
  if (decisive && strength < 1) issues.push({ path: "strength", message: "must be 1 (slightly) to 3 (much) better for A or B" });
  if (!decisive && strength !== 0) issues.push({ path: "strength", message: "must be 0 or absent for tie / both_bad" });
  checkFlags();
  if (issues.length) throw new AppError("INVALID_INPUT", `Invalid submission: ${issues[0].path}: ${issues[0].message}`, issues);
  // Stored choices refer to the canonical order (A = position 0), whatever order the labeler saw.
  let choice = r.choice!;
  if (decisive && options.shownFirst && options.shownFirst !== responseIds[0]) choice = choice === "A" ? "B" : "A";
  return { kind, choice, strength, flags: r.flags ?? {} };
}
