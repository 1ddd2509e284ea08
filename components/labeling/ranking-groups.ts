// Pure operations on a ranking: groups best to worst, ids in one group tied. Every operation returns a new
// array (never mutates) and drops groups that become empty, so the result is always a valid submission
// shape `{ranking: [["r1"], ["r2", "r3"], ["r4"]]}`.

export type TGroups = string[][];

export function locate(groups: TGroups, id: string): { group: number; index: number } {
  for (let g = 0; g < groups.length; g++) {
    const index = groups[g].indexOf(id);
    if (index >= 0) return { group: g, index };
  }
  return { group: -1, index: -1 };
}

function clean(groups: TGroups): TGroups {
  return groups.filter((g) => g.length > 0);
}

/**
 * Moves one response up one place. A tied response first leaves its tie (it becomes its own group just
 * above the tie); a response on its own swaps with the whole group above it, so other ties stay intact.
 */
export function moveUp(groups: TGroups, id: string): TGroups {
  const { group } = locate(groups, id);
  if (group < 0) return groups;
  const next = groups.map((g) => [...g]);
  if (next[group].length > 1) {
    next[group] = next[group].filter((x) => x !== id);
    next.splice(group, 0, [id]);
    return clean(next);
  }
  if (group === 0) return groups;
  [next[group - 1], next[group]] = [next[group], next[group - 1]];
  return next;
}

/** The mirror of moveUp. */
export function moveDown(groups: TGroups, id: string): TGroups {
  const { group } = locate(groups, id);
  if (group < 0) return groups;
  const next = groups.map((g) => [...g]);
  if (next[group].length > 1) {
    next[group] = next[group].filter((x) => x !== id);
    next.splice(group + 1, 0, [id]);
    return clean(next);
  }
  if (group === groups.length - 1) return groups;
  [next[group + 1], next[group]] = [next[group], next[group + 1]];
  return next;
}

/** Ties a response with the group just above it (it joins that group). */
export function tieWithAbove(groups: TGroups, id: string): TGroups {
  const { group, index } = locate(groups, id);
  if (group < 0) return groups;
  // Inside a tie, "the one above" is already tied; move to the group above only from a group's head.
  if (index > 0 || group === 0) return groups;
  const next = groups.map((g) => [...g]);
  next[group] = next[group].filter((x) => x !== id);
  next[group - 1].push(id);
  return clean(next);
}

/** Takes a response out of its tie; it becomes its own group just below the tie. */
export function untie(groups: TGroups, id: string): TGroups {
  const { group } = locate(groups, id);
  if (group < 0 || groups[group].length < 2) return groups;
  const next = groups.map((g) => [...g]);
  next[group] = next[group].filter((x) => x !== id);
  next.splice(group + 1, 0, [id]);
  return next;
}

export function flatten(groups: TGroups): string[] {
  return groups.flat();
}

/**
 * Applies a drag-and-drop move in the flat order. The dragged response leaves its group; when it lands
 * between two responses of one tie it joins that tie, otherwise it becomes its own group.
 */
export function dropAt(groups: TGroups, id: string, overId: string): TGroups {
  if (id === overId) return groups;
  const flat = flatten(groups);
  const from = flat.indexOf(id);
  const to = flat.indexOf(overId);
  if (from < 0 || to < 0) return groups;
  const groupOf = new Map<string, number>();
  groups.forEach((g, gi) => g.forEach((x) => groupOf.set(x, gi)));
  const order = [...flat];
  order.splice(from, 1);
  order.splice(to, 0, id);
  const above = order[to - 1];
  const below = order[to + 1];
  const joins = above !== undefined && below !== undefined && groupOf.get(above) === groupOf.get(below) ? groupOf.get(above) : undefined;
  const result: TGroups = [];
  let lastKey: string | undefined;
  for (const x of order) {
    const key = x === id ? (joins !== undefined ? `g${joins}` : "moved") : `g${groupOf.get(x)}`;
    if (key === lastKey && key !== "moved") result[result.length - 1].push(x);
    else result.push([x]);
    lastKey = key;
  }
  return result;
}

/** Competition ranks ("1", "2", "2", "4") are confusing; we show the group's position: 1, 2, 2, 3. */
export function rankOf(groups: TGroups, id: string): number {
  return locate(groups, id).group + 1;
}

export function isValidRanking(groups: TGroups, ids: string[]): boolean {
  const flat = flatten(groups);
  return flat.length === ids.length && new Set(flat).size === ids.length && ids.every((x) => flat.includes(x));
}
