"use client";
import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";
import { PromptView } from "./conversation";
import { Markdown } from "./markdown";
import { ShortcutHelp } from "./shortcut-help";
import { type TTaskWidgetProps } from "./types";

export type TDemonstrationDraft = { text: string; pastedChars?: number };

export const DEMONSTRATION_SHORTCUTS: [string, string][] = [
  ["Ctrl+Enter", "submit"],
  ["Alt+P", "switch between Write and Preview"],
];

/** Write the ideal assistant reply: markdown editor with a preview tab; drafts are saved as you type. */
export function DemonstrationTask({ task, initial, onDraft, onSubmit, submitRef, submitting, draftStatus }: TTaskWidgetProps<TDemonstrationDraft> & { draftStatus?: string }) {
  const [state, setState] = useState<TDemonstrationDraft>(initial ?? { text: "" });
  const [tab, setTab] = useState<"write" | "preview">("write");
  const [error, setError] = useState<string>();
  const area = useRef<HTMLTextAreaElement>(null);
  const update = (next: TDemonstrationDraft) => {
    setState(next);
    onDraft(next);
    setError(undefined);
  };

  function submit() {
    if (submitting) return;
    if (!state.text.trim()) {
      setError("Write the reply first.");
      setTab("write");
      return;
    }
    onSubmit({ text: state.text.trim() }, state);
  }
  useEffect(() => {
    submitRef.current = submit;
  });
  useEffect(() => {
    area.current?.focus();
  }, []);
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.altKey && !e.ctrlKey && !e.metaKey && e.code === "KeyP") {
        e.preventDefault();
        setTab((t) => (t === "write" ? "preview" : "write"));
      }
    }
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
  useEffect(() => {
    if (tab === "write") area.current?.focus();
  }, [tab]);

  const words = state.text.trim() ? state.text.trim().split(/\s+/).length : 0;
  const pastedShare = state.text.length ? (state.pastedChars ?? 0) / state.text.length : 0;
  const tabClass = (t: string) =>
    cn("rounded-t-md border border-b-0 px-3 py-1.5 text-sm", tab === t ? "border-zinc-300 bg-white font-medium dark:border-zinc-700 dark:bg-zinc-900" : "border-transparent text-zinc-500");
  return (
    <div className="space-y-4">
      <PromptView prompt={task.prompt} messages={task.messages} />
      <div>
        <div className="flex flex-wrap items-end justify-between gap-2">
          <div role="tablist" aria-label="Editor" className="flex gap-1">
            <button type="button" role="tab" id="tab-write" aria-selected={tab === "write"} aria-controls="panel-write" className={tabClass("write")} onClick={() => setTab("write")}>Write</button>
            <button type="button" role="tab" id="tab-preview" aria-selected={tab === "preview"} aria-controls="panel-preview" className={tabClass("preview")} onClick={() => setTab("preview")}>Preview</button>
          </div>
          <ShortcutHelp shortcuts={DEMONSTRATION_SHORTCUTS} />
        </div>
        <div className="rounded-b-md rounded-tr-md border border-zinc-300 dark:border-zinc-700">
          <div id="panel-write" role="tabpanel" aria-labelledby="tab-write" hidden={tab !== "write"}>
            <label htmlFor={`reply-${task.id}`} className="sr-only">Your reply</label>
            <textarea
              ref={area}
              id={`reply-${task.id}`}
              value={state.text}
              onChange={(e) => update({ ...state, text: e.target.value })}
              onPaste={(e) => update({ ...state, pastedChars: (state.pastedChars ?? 0) + e.clipboardData.getData("text").length })}
              placeholder="Write the reply the assistant should give. Markdown works: **bold**, lists, ```code```."
              className="block min-h-64 w-full resize-y rounded-b-md bg-white p-3 font-mono text-sm outline-none dark:bg-zinc-900"
            />
          </div>
          <div id="panel-preview" role="tabpanel" aria-labelledby="tab-preview" hidden={tab !== "preview"} className="min-h-64 p-3">
            {state.text.trim() ? <Markdown>{state.text}</Markdown> : <p className="text-sm text-zinc-500">Nothing to preview yet.</p>}
          </div>
        </div>
        <div className="mt-1 flex flex-wrap justify-between gap-2 text-xs text-zinc-500">
          <span>{words} words · {state.text.length} characters</span>
          <span aria-live="polite" data-testid="draft-status">{draftStatus}</span>
        </div>
        {pastedShare > 0.5 && state.text.length > 200 ? (
          <p className="mt-1 text-xs text-amber-700 dark:text-amber-400" role="note">
            Most of this reply was pasted. Demonstrations should be written by you, not copied from a chatbot.
          </p>
        ) : null}
      </div>
      {error ? <p role="alert" className="text-sm text-red-600">{error}</p> : null}
      <div className="flex flex-wrap items-center gap-3">
        <Button type="button" onClick={submit} disabled={submitting}>{submitting ? "Submitting…" : "Submit reply"}</Button>
        <span className="text-xs text-zinc-500">Ctrl+Enter</span>
      </div>
    </div>
  );
}
