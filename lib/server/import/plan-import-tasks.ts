import "server-only";
import type { TaskKind } from "@/lib/db";

// Which tasks one imported prompt gets: a DEMONSTRATION task when the project runs that kind, and its
// responses in comparison tasks: PAIRWISE when the project runs it and there are exactly 2 responses (or
// when it runs PAIRWISE but not RANKING: pairs), else RANKING tasks of K responses.
//
// More responses than fit one task are covered by overlapping windows, not split apart: each task shares
// at least one response with the next, so the "ranked together" graph over a prompt's responses is
// connected and every two responses are compared through some chain (disjoint tasks of 3 and 2 would
// never compare the first three with the last two). Every task holds K responses (all of them when there
// are at most K), and there are as few tasks as that allows: 1 + ceil((n - K) / (K - 1)), their starts
// spread evenly. 5 responses at K = 4 give [0-3] and [1-4]; 7 give [0-3] and [3-6]; pairs form a chain.

export type TPlannedTask = { kind: TaskKind; responseIndexes: number[] };

/** Overlapping windows of k consecutive indexes covering 0..n-1, consecutive windows sharing >= 1 index. */
export function connectedWindows(n: number, k: number): number[][] {
  if (n <= k) return [Array.from({ length: n }, (_, i) => i)];
  const tasks = 1 + Math.ceil((n - k) / (k - 1));
  // Starts from 0 to n - k, evenly spaced: steps of at most k - 1, so neighbours overlap.
  const step = (n - k) / (tasks - 1);
  return Array.from({ length: tasks }, (_, t) => {
    const start = Math.round(t * step);
    return Array.from({ length: k }, (_, i) => start + i);
  });
}

export function planImportTasks(options: { responses: number; taskKinds: TaskKind[]; responsesPerTask: number }): TPlannedTask[] {
  const { responses: n, taskKinds } = options;
  const tasks: TPlannedTask[] = [];
  if (taskKinds.includes("DEMONSTRATION")) tasks.push({ kind: "DEMONSTRATION", responseIndexes: [] });
  if (n < 2) return tasks;
  const ranking = taskKinds.includes("RANKING");
  const pairwise = taskKinds.includes("PAIRWISE");
  if (pairwise && (n === 2 || !ranking)) {
    for (const pair of connectedWindows(n, 2)) tasks.push({ kind: "PAIRWISE", responseIndexes: pair });
  } else if (ranking) {
    const k = Math.min(Math.max(options.responsesPerTask, 2), 9);
    for (const group of connectedWindows(n, k)) tasks.push({ kind: "RANKING", responseIndexes: group });
  }
  return tasks;
}
