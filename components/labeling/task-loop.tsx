"use client";
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import type { TKindParam, TNextTaskResponse, TSubmitTaskRequest, TSubmitTaskResponse, ZUndoResponse } from "@/lib/schemas/labeling";
import type { z } from "zod";
import { Button } from "@/components/ui/button";
import { Alert, Card } from "@/components/ui/card";
import { Input, Select } from "@/components/ui/input";
import { DemonstrationTask } from "./demonstration-task";
import { GuidelinesPanel } from "./guidelines-panel";
import { PairwiseTask } from "./pairwise-task";
import { RankingTask } from "./ranking-task";

type TUndoResponse = z.infer<typeof ZUndoResponse>;

const KIND_NAMES: Record<TKindParam, string> = { ranking: "Ranking", demonstration: "Demonstrations", pairwise: "Pairwise A/B" };
const UNDO_TOAST_MS = 8_000;
const DRAFT_DEBOUNCE_MS = 800;
const SKIP_REASONS = ["Prompt is unclear", "Outside my expertise", "Offensive or unsafe content", "Answers are unreadable", "Other"];

type TState =
  | { status: "loading" }
  | { status: "empty" }
  | { status: "error"; message: string }
  | { status: "task"; task: TNextTaskResponse; initial?: unknown; version: number };

type TToast = { task: TNextTaskResponse; draft: unknown; label: string; until: number };

async function readError(res: Response) {
  const data = await res.json().catch(() => undefined);
  const issues = (data as { issues?: { path: string; message: string }[] })?.issues;
  return issues?.map((i) => `${i.path}: ${i.message}`).join("; ") ?? (data as { error?: string })?.error ?? `Request failed (${res.status})`;
}

/**
 * The labeling loop: lease the next task of one kind, show it beside the guidelines, submit, show an
 * Undo toast for a few seconds, lease the next... until nothing is left. Measures the time the page was
 * visible for each task (timeSpentMs) and saves drafts while the labeler works.
 */
export function TaskLoop({ projectId, kind, kinds, guidelines }: { projectId: string; kind: TKindParam; kinds: TKindParam[]; guidelines?: string | null }) {
  const [state, setState] = useState<TState>({ status: "loading" });
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<string>();
  // Why the loop moved on by itself (the task was submitted in another tab, or its lease ran out).
  const [notice, setNotice] = useState<string>();
  const [toast, setToast] = useState<TToast>();
  const [done, setDone] = useState(0);
  const [draftStatus, setDraftStatus] = useState("");
  const [skipOpen, setSkipOpen] = useState(false);
  const submitRef = useRef<(() => void) | null>(null);
  const draftTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const clock = useRef({ visibleMs: 0, since: 0 });

  const startClock = () => {
    clock.current = { visibleMs: 0, since: document.visibilityState === "visible" ? performance.now() : 0 };
  };
  const elapsed = () => clock.current.visibleMs + (clock.current.since ? performance.now() - clock.current.since : 0);
  useEffect(() => {
    const onVisibility = () => {
      if (document.visibilityState === "hidden" && clock.current.since) {
        clock.current.visibleMs += performance.now() - clock.current.since;
        clock.current.since = 0;
      } else if (document.visibilityState === "visible" && !clock.current.since) {
        clock.current.since = performance.now();
      }
    };
    document.addEventListener("visibilitychange", onVisibility);
    return () => document.removeEventListener("visibilitychange", onVisibility);
  }, []);

  const loadNext = useCallback(async () => {
    setState({ status: "loading" });
    setSubmitError(undefined);
    setNotice(undefined);
    setSkipOpen(false);
    setDraftStatus("");
    const res = await fetch(`/api/v1/projects/${projectId}/tasks/next?kind=${kind}`, { cache: "no-store" });
    if (res.status === 204) return setState({ status: "empty" });
    if (!res.ok) return setState({ status: "error", message: await readError(res) });
    const task = (await res.json()) as TNextTaskResponse;
    let initial: unknown = task.draft ?? undefined;
    if (initial === undefined) {
      const d = await fetch(`/api/v1/tasks/${task.id}/draft`, { cache: "no-store" }).catch(() => undefined);
      if (d?.ok && d.status === 200) initial = ((await d.json()) as { data?: unknown }).data;
    }
    if (initial !== undefined) setDraftStatus("Draft restored");
    startClock();
    setState({ status: "task", task, initial, version: Date.now() });
  }, [projectId, kind]);

  useEffect(() => {
    void loadNext();
  }, [loadNext]);

  // Ctrl+Enter (Cmd+Enter) submits from anywhere, text fields included.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        submitRef.current?.();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  useEffect(() => {
    if (!toast) return;
    const t = setTimeout(() => setToast(undefined), Math.max(0, toast.until - Date.now()));
    return () => clearTimeout(t);
  }, [toast]);

  const task = state.status === "task" ? state.task : undefined;

  const onDraft = useCallback(
    (data: unknown) => {
      if (!task) return;
      clearTimeout(draftTimer.current);
      setDraftStatus("Unsaved changes");
      draftTimer.current = setTimeout(async () => {
        const res = await fetch(`/api/v1/tasks/${task.id}/draft`, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ data }),
        }).catch(() => undefined);
        setDraftStatus(res?.ok ? `Draft saved ${new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}` : "Draft not saved");
      }, DRAFT_DEBOUNCE_MS);
    },
    [task],
  );

  async function onSubmit(payload: TSubmitTaskRequest, draft: unknown) {
    if (!task || submitting) return;
    clearTimeout(draftTimer.current);
    setSubmitting(true);
    setSubmitError(undefined);
    try {
      const res = await fetch(`/api/v1/tasks/${task.id}/submit`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...payload, timeSpentMs: Math.round(elapsed()) }),
      });
      if (res.status === 409) return await moveOn(await readError(res));
      if (!res.ok) return setSubmitError(await readError(res));
      const result = (await res.json()) as TSubmitTaskResponse;
      setDone((n) => n + 1);
      setToast({ task, draft, label: result.labelId, until: Date.now() + UNDO_TOAST_MS });
      await loadNext();
    } finally {
      setSubmitting(false);
    }
  }

  /**
   * The task is no longer this page's to submit (409: submitted in another tab or window, or the lease
   * ran out): go on to the next task, saying why, instead of staying on a task that cannot be submitted.
   */
  async function moveOn(reason: string) {
    clearTimeout(draftTimer.current);
    await loadNext();
    setNotice(`Moved on to the next task: the last one could not be submitted here (${reason}). It may have been submitted in another tab or window.`);
  }

  async function onUndo() {
    if (!toast) return;
    const { task: prev, draft } = toast;
    setToast(undefined);
    const res = await fetch(`/api/v1/tasks/${prev.id}/undo`, { method: "POST" });
    if (!res.ok) return setSubmitError(`Undo failed: ${await readError(res)}`);
    const undone = (await res.json()) as TUndoResponse;
    setDone((n) => Math.max(0, n - 1));
    startClock();
    setDraftStatus("Submission undone: your answer is back");
    setState({ status: "task", task: { ...prev, assignmentId: undone.assignmentId, leaseExpiresAt: undone.leaseExpiresAt }, initial: draft, version: Date.now() });
  }

  async function onSkip(reason: string) {
    if (!task) return;
    const res = await fetch(`/api/v1/tasks/${task.id}/skip`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ reason }),
    });
    if (res.status === 409) return moveOn(await readError(res));
    if (!res.ok) return setSubmitError(await readError(res));
    await loadNext();
  }

  const common = state.status === "task"
    ? { task: state.task, onDraft, onSubmit, submitRef, submitting, key: `${state.task.id}-${state.version}` }
    : undefined;

  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_18rem]">
      <div className="order-2 min-w-0 space-y-3 lg:order-1">
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <nav aria-label="Task kind" className="flex flex-wrap gap-1">
            {kinds.map((k) => (
              <Link
                key={k}
                href={`?kind=${k}`}
                aria-current={k === kind ? "page" : undefined}
                className={k === kind ? "rounded-full bg-zinc-900 px-3 py-1 text-white dark:bg-zinc-100 dark:text-zinc-900" : "rounded-full px-3 py-1 hover:bg-zinc-100 dark:hover:bg-zinc-800"}
              >
                {KIND_NAMES[k]}
              </Link>
            ))}
          </nav>
          <span className="ml-auto text-xs text-zinc-500" data-testid="labels-done">{done} done this session</span>
        </div>

        {submitError ? <Alert>{submitError}</Alert> : null}
        {notice ? <Alert tone="info" data-testid="task-loop-notice">{notice}</Alert> : null}

        {state.status === "loading" ? <Card><p className="text-sm text-zinc-500" role="status">Loading the next task…</p></Card> : null}
        {state.status === "error" ? <Alert>Could not load a task: {state.message}</Alert> : null}
        {state.status === "empty" ? (
          <Card className="py-10 text-center" data-testid="no-tasks">
            <p className="text-lg font-semibold">Nothing left to label here</p>
            <p className="mt-1 text-sm text-zinc-500">
              No {KIND_NAMES[kind].toLowerCase()} tasks are waiting for you{done ? ` — you did ${done} this session, thank you` : ""}.
              {kinds.length > 1 ? " Try another kind above, or come back later." : " Come back later."}
            </p>
            <Button variant="outline" className="mt-4" onClick={() => void loadNext()}>Check again</Button>
          </Card>
        ) : null}

        {state.status === "task" && common ? (
          <Card className="p-3 sm:p-4">
            <div className="mb-3 flex flex-wrap items-center justify-between gap-2 text-xs text-zinc-500">
              <span>Leased until {new Date(state.task.leaseExpiresAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}</span>
              <Button type="button" variant="ghost" size="sm" aria-expanded={skipOpen} onClick={() => setSkipOpen((o) => !o)}>Skip…</Button>
            </div>
            {skipOpen ? <SkipForm onSkip={onSkip} onCancel={() => setSkipOpen(false)} /> : null}
            {state.task.kind === "RANKING" ? <RankingTask {...common} initial={state.initial as never} /> : null}
            {state.task.kind === "PAIRWISE" ? <PairwiseTask {...common} initial={state.initial as never} /> : null}
            {state.task.kind === "DEMONSTRATION" ? <DemonstrationTask {...common} initial={state.initial as never} draftStatus={draftStatus} /> : null}
            {state.task.kind !== "DEMONSTRATION" && draftStatus ? <p className="mt-2 text-xs text-zinc-500" aria-live="polite" data-testid="draft-status">{draftStatus}</p> : null}
          </Card>
        ) : null}
      </div>
      <GuidelinesPanel guidelines={task?.guidelines ?? guidelines} className="order-1 lg:order-2" />

      {toast ? (
        <div role="status" aria-live="polite" className="fixed inset-x-3 bottom-3 z-30 mx-auto flex max-w-md items-center gap-3 rounded-lg bg-zinc-900 px-4 py-3 text-sm text-white shadow-lg dark:bg-zinc-100 dark:text-zinc-900">
          <span className="flex-1">Submitted.</span>
          <Button type="button" size="sm" variant="secondary" onClick={() => void onUndo()}>Undo</Button>
          <button type="button" aria-label="Dismiss" className="px-1 opacity-70 hover:opacity-100" onClick={() => setToast(undefined)}>✕</button>
        </div>
      ) : null}
    </div>
  );
}

function SkipForm({ onSkip, onCancel }: { onSkip: (reason: string) => Promise<void>; onCancel: () => void }) {
  const [reason, setReason] = useState(SKIP_REASONS[0]);
  const [other, setOther] = useState("");
  const [pending, setPending] = useState(false);
  return (
    <form
      className="mb-4 flex flex-wrap items-end gap-2 rounded-lg border border-zinc-200 bg-zinc-50 p-3 dark:border-zinc-800 dark:bg-zinc-900/60"
      onSubmit={async (e) => {
        e.preventDefault();
        setPending(true);
        await onSkip(reason === "Other" ? other.trim() || "Other" : reason).finally(() => setPending(false));
      }}
    >
      <label className="text-sm">
        <span className="mb-1 block font-medium">Why skip?</span>
        <Select aria-label="Skip reason" value={reason} onChange={(e) => setReason(e.target.value)} className="w-auto">
          {SKIP_REASONS.map((r) => <option key={r}>{r}</option>)}
        </Select>
      </label>
      {reason === "Other" ? <Input aria-label="Other reason" value={other} onChange={(e) => setOther(e.target.value)} maxLength={500} className="w-56" placeholder="Say why" /> : null}
      <Button type="submit" size="sm" variant="outline" disabled={pending}>Skip this task</Button>
      <Button type="button" size="sm" variant="ghost" onClick={onCancel}>Cancel</Button>
    </form>
  );
}
