"use client";
import { useEffect, useMemo, useState } from "react";
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
};

export function RankingTask({ task, initial, onDraft, onSubmit, submitRef, submitting }: TTaskWidgetProps<TRankingDraft>) {
  const items = useMemo(() => task.responses.map((r, i) => ({ id: r.id, label: answerLabel(i), text: r.text })), [task.responses]);
  const ids = items.map((i) => i.id);
  const [state, setState] = useState<TRankingDraft>(() =>
    initial && isValidRanking(initial.groups ?? [], ids)
      ? initial
      : { groups: ids.map((id) => [id]), flags: {}, scores: {}, rationale: "", allBad: false },
  );
  const update = (patch: Partial<TRankingDraft>) => {
    const next = { ...state, ...patch };
    setState(next);
    onDraft(next);
  };

  function submit() {
    if (submitting) return;
    const flags = Object.fromEntries(Object.entries(state.flags).filter(([, v]) => v.length > 0));
    onSubmit(
      {
        ranking: state.groups,
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
    update({ scores });
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
        onChange={(groups) => update({ groups })}
        onSubmit={submit}
        onScoreKey={(id, score) => setScore(id, score)}
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
      <div className="flex flex-wrap items-center gap-3">
        <Button type="button" onClick={submit} disabled={submitting}>{submitting ? "Submitting…" : "Submit ranking"}</Button>
        <span className="text-xs text-zinc-500">Enter on an answer, or Ctrl+Enter anywhere</span>
      </div>
    </div>
  );
}
