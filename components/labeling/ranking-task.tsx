"use client";
import { useEffect, useId, useMemo, useState } from "react";
import type { TOrderAction } from "@/lib/schemas/labeling";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/input";
import { PromptView } from "./conversation";
import { CompareResponses } from "./response-diff";
import { RANKING_SHORTCUTS, RankingBoard } from "./ranking-board";
import { ResponseFlags } from "./response-flags";
import { isValidRanking, type TGroups } from "./ranking-groups";
import { answerLabel, type TTaskWidgetProps } from "./types";
import { ShortcutHelp } from "./shortcut-help";

export type TRankingDraft = {
  groups: TGroups;
  flags: Record<string, string[]>;
  scores: Record<string, number>;
  rationale: string;
  allBad: boolean;
  /**
   * How the labeler settled the order: "moved" once they move, tie or score an answer, "confirmed" when
   * they tick "the order shown is right". Until one of them the order is the shuffled one they were
   * handed, and submitting is refused (the API refuses it too).
   */
  orderAction?: TOrderAction;
};

const NEEDS_ORDER = "Move, tie or score an answer, or confirm that the order shown is right (C), before submitting.";

export function RankingTask({ task, initial, onDraft, onSubmit, submitRef, submitting }: TTaskWidgetProps<TRankingDraft>) {
  const items = useMemo(() => task.responses.map((r, i) => ({ id: r.id, label: answerLabel(i), text: r.text })), [task.responses]);
  const ids = items.map((i) => i.id);
  const [state, setState] = useState<TRankingDraft>(() =>
    initial && isValidRanking(initial.groups ?? [], ids)
      ? initial
      : { groups: ids.map((id) => [id]), flags: {}, scores: {}, rationale: "", allBad: false },
  );
  const [error, setError] = useState<string>();
  const hintId = useId();
  const update = (patch: Partial<TRankingDraft>) => {
    const next = { ...state, ...patch };
    setState(next);
    onDraft(next);
    if (next.orderAction) setError(undefined);
  };
  const moved = (patch: Partial<TRankingDraft>) => update({ ...patch, orderAction: "moved" });
  const confirm = (on: boolean) => {
    if (state.orderAction !== "moved") update({ orderAction: on ? "confirmed" : undefined });
  };

  function submit() {
    if (submitting) return;
    if (!state.orderAction) {
      setError(NEEDS_ORDER);
      return;
    }
    const flags = Object.fromEntries(Object.entries(state.flags).filter(([, v]) => v.length > 0));
    onSubmit(
      {
        ranking: state.groups,
        orderAction: state.orderAction,
        ...(Object.keys(flags).length ? { flags } : {}),
        ...(Object.keys(state.scores).length ? { score: state.scores } : {}),
        ...(state.rationale.trim() ? { rationale: state.rationale.trim() } : {}),
        ...(state.allBad ? { allBad: true } : {}),
      },
      state,
    );
  }
  useEffect(() => {
    submitRef.current = submit;
  });

  const toggleFlag = (id: string, flag: string) => {
    const cur = state.flags[id] ?? [];
    update({ flags: { ...state.flags, [id]: cur.includes(flag) ? cur.filter((f) => f !== flag) : [...cur, flag] } });
  };
  const setScore = (id: string, score: number | undefined) => {
    const scores = { ...state.scores };
    if (score === undefined) delete scores[id];
    else scores[id] = score;
    moved({ scores });
  };

  return (
    <div className="space-y-4">
      <PromptView prompt={task.prompt} messages={task.messages} />
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-sm font-semibold">Rank the {items.length} answers, best first</h2>
        <ShortcutHelp shortcuts={RANKING_SHORTCUTS} />
      </div>
      <RankingBoard
        items={items}
        groups={state.groups}
        onChange={(groups) => moved({ groups })}
        onSubmit={submit}
        onScoreKey={(id, score) => setScore(id, score)}
        onConfirmKey={() => confirm(true)}
        autoFocus
        renderExtra={(item) => (
          <ResponseFlags
            label={item.label}
            flags={task.flags}
            selected={state.flags[item.id] ?? []}
            onToggle={(f) => toggleFlag(item.id, f)}
            score={state.scores[item.id]}
            onScore={(s) => setScore(item.id, s)}
          />
        )}
      />
      <CompareResponses responses={items} />
      {state.orderAction === "moved" ? (
        <p className="rounded-lg border border-zinc-200 p-3 text-sm text-zinc-600 dark:border-zinc-800 dark:text-zinc-400" data-testid="order-set">
          ✓ You set this order.
        </p>
      ) : (
        <label className="flex items-start gap-2 rounded-lg border border-zinc-200 p-3 text-sm dark:border-zinc-800">
          <input type="checkbox" className="mt-0.5 h-4 w-4" checked={state.orderAction === "confirmed"} onChange={(e) => confirm(e.target.checked)} />
          <span>
            <span className="font-medium">This order is right</span> <kbd className="rounded border border-zinc-300 px-1 font-mono text-xs dark:border-zinc-700">C</kbd>
            <span className="block text-xs text-zinc-500">The answers came in a random order. Tick this only if that order is already your ranking; otherwise move, tie or score them.</span>
          </span>
        </label>
      )}
      <label className="flex items-start gap-2 rounded-lg border border-zinc-200 p-3 text-sm dark:border-zinc-800">
        <input type="checkbox" className="mt-0.5 h-4 w-4" checked={state.allBad} onChange={(e) => update({ allBad: e.target.checked })} />
        <span>
          <span className="font-medium">All answers are bad</span>
          <span className="block text-xs text-zinc-500">Still rank them (least bad first); the ranking is kept but marked, so training can leave it out.</span>
        </span>
      </label>
      <div>
        <label htmlFor={`rationale-${task.id}`} className="mb-1 block text-sm font-medium">Why? (optional)</label>
        <Textarea id={`rationale-${task.id}`} value={state.rationale} onChange={(e) => update({ rationale: e.target.value })} placeholder="What decided the order: correctness, helpfulness, safety…" className="min-h-16" />
      </div>
      {error ? <p role="alert" className="text-sm text-red-600">{error}</p> : null}
      <div className="flex flex-wrap items-center gap-3">
        <Button type="button" onClick={submit} disabled={submitting || !state.orderAction} aria-describedby={hintId}>{submitting ? "Submitting…" : "Submit ranking"}</Button>
        <span id={hintId} className="text-xs text-zinc-500">{state.orderAction ? "Enter on an answer, or Ctrl+Enter anywhere" : NEEDS_ORDER}</span>
      </div>
    </div>
  );
}
