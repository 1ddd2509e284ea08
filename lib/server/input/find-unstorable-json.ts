// Input PostgreSQL cannot store, found before it reaches a query (which would fail with a 500): text
// holding the NUL character (PostgreSQL text and jsonb cannot hold U+0000), and JSON nested deeper than a
// sane limit. Pure: the API's body reader, the import reader and server actions all use it.

/** Deepest nesting of arrays and objects accepted in JSON input. */
export const JSON_MAX_DEPTH = 64;

export type TUnstorable = { path: string; message: string };

/** The first string, key or nesting level in `value` that cannot be stored, with its path; null when all is fine. */
export function findUnstorableJson(value: unknown, maxDepth = JSON_MAX_DEPTH): TUnstorable | null {
  const walk = (v: unknown, path: (string | number)[]): TUnstorable | null => {
    const at = () => path.join(".") || "(body)";
    if (typeof v === "string") return v.includes("\u0000") ? { path: at(), message: "must not contain the NUL character (\\u0000)" } : null;
    if (v === null || typeof v !== "object") return null;
    if (path.length >= maxDepth) return { path: at(), message: `nested deeper than ${maxDepth} levels (the limit)` };
    const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    for (const [k, x] of entries) {
      if (typeof k === "string" && k.includes("\u0000")) {
        return { path: [...path, k.replaceAll("\u0000", "\\u0000")].join("."), message: "keys must not contain the NUL character (\\u0000)" };
      }
      const found = walk(x, [...path, k]);
      if (found) return found;
    }
    return null;
  };
  return walk(value, []);
}
