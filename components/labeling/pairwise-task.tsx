"use client";
import { useEffect, useState } from "react";
import type { TPairwiseChoice } from "@/lib/schemas/labeling";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/input";
import { cn } from "@/lib/utils";
import { PromptView } from "./conversation";
import { CollapsibleMarkdown } from "./markdown";
import { WordDiff } from "./response-diff";
import { ResponseFlags } from "./response-flags";
import { ShortcutHelp } from "./shortcut-help";
import { type TTaskWidgetProps } from "./types";

/** The seven-point A/B scale plus "both bad"; the key is the shortcut. */
export const PAIRWISE_OPTIONS: { key: string; label: string; choice: TPairwiseChoice; strength: number }[] = [
  { key: "1", label: "A is much better", choice: "A", strength: 3 },
  { key: "2", label: "A is better", choice: "A", strength: 2 },
  { key: "3", label: "A is slightly better", choice: "A", strength: 1 },
  { key: "4", label: "Tie", choice: "tie", strength: 0 },
  { key: "5", label: "B is slightly better", choice: "B", strength: 1 },
  { key: "6", label: "B is better", choice: "B", strength: 2 },
  { key: "7", label: "B is much better", choice: "B", strength: 3 },
  { key: "0", label: "Both are bad", choice: "both_bad", strength: 0 },
];

export const PAIRWISE_SHORTCUTS: [string, string][] = [
  ["1 – 3", "A much better / better / slightly better"],
  ["4", "tie"],
  ["5 – 7", "B slightly better / better / much better"],
  ["0", "both bad"],
  ["D", "show / hide the word diff"],
  ["Enter", "submit (Ctrl+Enter anywhere)"],
];

export type TPairwiseDraft = { option?: string; flags: Record<string, string[]>; rationale: string };

const isTyping = (el: EventTarget | null) =>
  el instanceof HTMLElement && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));

export function PairwiseTask({ task, initial, onDraft, onSubmit, submitRef, submitting }: TTaskWidgetProps<TPairwiseDraft>) {
  const [a, b] = task.responses;
  const [state, setState] = useState<TPairwiseDraft>(initial ?? { flags: {}, rationale: "" });
  const [showDiff, setShowDiff] = useState(false);
  const [error, setError] = useState<string>();
  const update = (patch: Partial<TPairwiseDraft>) => {
    const next = { ...state, ...patch };
    setState(next);
    onDraft(next);
    setError(undefined);
  };
  const selected = PAIRWISE_OPTIONS.find((o) => o.key === state.option);

  function submit() {
    if (submitting) return;
    if (!selected) {
      setError("Choose which answer is better first.");
      return;
    }
    const flags = Object.fromEntries(Object.entries(state.flags).filter(([, v]) => v.length > 0));
    onSubmit(
      {
        choice: selected.choice,
        strength: selected.strength,
        ...(Object.keys(flags).length ? { flags } : {}),
        ...(state.rationale.trim() ? { rationale: state.rationale.trim() } : {}),
      },
      state,
    );
  }
  useEffect(() => {
    submitRef.current = submit;
  });

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      const option = PAIRWISE_OPTIONS.find((o) => o.key === e.key);
      if (option) {
        e.preventDefault();
        update({ option: option.key });
      } else if (e.key.toLowerCase() === "d") {
        setShowDiff((d) => !d);
      } else if (e.key === "Enter" && (e.target === document.body || (e.target as HTMLElement).getAttribute?.("role") === "radio")) {
        e.preventDefault();
        submit();
      }
    }
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  });

  if (!a || !b) return <p className="text-sm text-red-600">This pairwise task has {task.responses.length} answers; it needs two.</p>;
  const toggleFlag = (id: string, flag: string) => {
    const cur = state.flags[id] ?? [];
    update({ flags: { ...state.flags, [id]: cur.includes(flag) ? cur.filter((f) => f !== flag) : [...cur, flag] } });
  };

  return (
    <div className="space-y-4">
      <PromptView prompt={task.prompt} messages={task.messages} />
      <div className="grid gap-3 md:grid-cols-2">
        {[a, b].map((r, i) => (
          <section key={r.id} aria-label={`Answer ${i === 0 ? "A" : "B"}`} className={cn("rounded-lg border bg-white p-3 dark:bg-zinc-900", selected && ((selected.choice === "A" && i === 0) || (selected.choice === "B" && i === 1)) ? "border-green-500 ring-1 ring-green-500" : "border-zinc-200 dark:border-zinc-800")}>
            <h3 className="mb-2 text-sm font-semibold">Answer {i === 0 ? "A" : "B"}</h3>
            <CollapsibleMarkdown>{r.text}</CollapsibleMarkdown>
            {task.flags.length ? (
              <div className="mt-2 border-t border-zinc-100 pt-2 dark:border-zinc-800">
                <ResponseFlags label={`Answer ${i === 0 ? "A" : "B"}`} flags={task.flags} selected={state.flags[r.id] ?? []} onToggle={(f) => toggleFlag(r.id, f)} />
              </div>
            ) : null}
          </section>
        ))}
      </div>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <button type="button" className="text-sm text-brand-600 hover:underline dark:text-brand-500" aria-expanded={showDiff} onClick={() => setShowDiff((d) => !d)}>
          {showDiff ? "Hide" : "Show"} how A and B differ (D)
        </button>
        <ShortcutHelp shortcuts={PAIRWISE_SHORTCUTS} />
      </div>
      {showDiff ? <WordDiff before={a.text} after={b.text} /> : null}
      <fieldset>
        <legend className="mb-2 text-sm font-semibold">Which answer is better?</legend>
        <div role="radiogroup" aria-label="Which answer is better?" className="grid grid-cols-2 gap-2 sm:grid-cols-4 lg:grid-cols-8">
          {PAIRWISE_OPTIONS.map((o) => (
            <button
              key={o.key}
              type="button"
              role="radio"
              aria-checked={state.option === o.key}
              onClick={() => update({ option: o.key })}
              className={cn(
                "flex min-h-14 flex-col items-center justify-center rounded-lg border px-2 py-1.5 text-center text-xs font-medium transition-colors",
                o.key === "4" && "col-span-2 sm:col-span-1",
                state.option === o.key
                  ? "border-brand-600 bg-brand-600 text-white"
                  : "border-zinc-300 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800",
              )}
            >
              <span>{o.label}</span>
              <kbd className="mt-0.5 text-[10px] opacity-70">{o.key}</kbd>
            </button>
          ))}
        </div>
      </fieldset>
      {error ? <p role="alert" className="text-sm text-red-600">{error}</p> : null}
      <div>
        <label htmlFor={`rationale-${task.id}`} className="mb-1 block text-sm font-medium">Why? (optional)</label>
        <Textarea id={`rationale-${task.id}`} value={state.rationale} onChange={(e) => update({ rationale: e.target.value })} className="min-h-16" />
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="button" onClick={submit} disabled={submitting}>{submitting ? "Submitting…" : "Submit"}</Button>
        <span className="text-xs text-zinc-500">Enter or Ctrl+Enter</span>
      </div>
    </div>
  );
}
