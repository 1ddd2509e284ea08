"use client";
import { cn } from "@/lib/utils";

/** The project's flags for one answer, as toggle chips, and an optional 1-7 quality score. */
export function ResponseFlags({
  label,
  flags,
  selected,
  onToggle,
  score,
  onScore,
}: {
  label: string;
  flags: string[];
  selected: string[];
  onToggle: (flag: string) => void;
  score?: number;
  onScore?: (score: number | undefined) => void;
}) {
  return (
    <div className="flex flex-wrap items-center gap-1.5 text-xs">
      {flags.map((f) => {
        const on = selected.includes(f);
        return (
          <button
            key={f}
            type="button"
            aria-pressed={on}
            aria-label={`Flag ${label} as ${f}`}
            onClick={() => onToggle(f)}
            className={cn(
              "h-7 rounded-full border px-2.5 transition-colors",
              on
                ? "border-red-500 bg-red-100 text-red-800 dark:border-red-600 dark:bg-red-900/40 dark:text-red-200"
                : "border-zinc-300 text-zinc-600 hover:bg-zinc-100 dark:border-zinc-700 dark:text-zinc-400 dark:hover:bg-zinc-800",
            )}
          >
            {on ? "⚑ " : ""}{f.replace(/_/g, " ")}
          </button>
        );
      })}
      {onScore ? (
        <label className="ml-auto flex items-center gap-1 text-zinc-600 dark:text-zinc-400">
          Quality
          <select
            aria-label={`Quality score of ${label} (1 to 7)`}
            className="h-7 rounded-md border border-zinc-300 bg-white px-1 dark:border-zinc-700 dark:bg-zinc-900"
            value={score ?? ""}
            onChange={(e) => onScore(e.target.value ? Number(e.target.value) : undefined)}
          >
            <option value="">–</option>
            {[1, 2, 3, 4, 5, 6, 7].map((n) => (
              <option key={n} value={n}>{n}{n === 1 ? " (worst)" : n === 7 ? " (best)" : ""}</option>
            ))}
          </select>
        </label>
      ) : null}
    </div>
  );
}
