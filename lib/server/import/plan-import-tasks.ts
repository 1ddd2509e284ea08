import "server-only";
import type { TaskKind } from "@/lib/db";

// Which tasks one imported prompt gets: a DEMONSTRATION task when the project runs that kind, and its
// responses split into comparison tasks: PAIRWISE when the project runs it and there are exactly 2
// responses (or when it runs PAIRWISE but not RANKING: pairs), else RANKING tasks of at most K
// responses, as even as possible (7 responses with K = 4 give 4 + 3). A group never has a single
// response: an odd one left over with K = 2 is compared with the first response.

export type TPlannedTask = { kind: TaskKind; responseIndexes: number[] };

function evenChunks(n: number, k: number): number[][] {
  const groups = Math.ceil(n / k);
  const out: number[][] = [];
  let start = 0;
  for (let g = 0; g < groups; g++) {
    const size = Math.floor(n / groups) + (g < n % groups ? 1 : 0);
    out.push(Array.from({ length: size }, (_, i) => start + i));
    start += size;
  }
  for (const chunk of out) if (chunk.length === 1) chunk.push(chunk[0] === 0 ? 1 : 0);
  return out;
}

export function planImportTasks(options: { responses: number; taskKinds: TaskKind[]; responsesPerTask: number }): TPlannedTask[] {
  const { responses: n, taskKinds } = options;
  const tasks: TPlannedTask[] = [];
  if (taskKinds.includes("DEMONSTRATION")) tasks.push({ kind: "DEMONSTRATION", responseIndexes: [] });
  if (n < 2) return tasks;
  const ranking = taskKinds.includes("RANKING");
  const pairwise = taskKinds.includes("PAIRWISE");
  if (pairwise && (n === 2 || !ranking)) {
    for (const pair of evenChunks(n, 2)) tasks.push({ kind: "PAIRWISE", responseIndexes: pair });
  } else if (ranking) {
    const k = Math.min(Math.max(options.responsesPerTask, 2), 9);
    for (const group of evenChunks(n, k)) tasks.push({ kind: "RANKING", responseIndexes: group });
  }
  return tasks;
}
