"use client";
import { useCallback, useEffect, useState } from "react";
import type { TFeedbackItem, TFeedbackResponse } from "@/lib/schemas/labeling";
import { FEEDBACK_PROMPT_CHARS } from "@/lib/schemas/labeling";
import { Button } from "@/components/ui/button";
import { Badge, Card } from "@/components/ui/card";

const DECISIONS: Record<TFeedbackItem["decision"], { text: string; tone: "green" | "blue" | "red" }> = {
  accept: { text: "Accepted", tone: "green" },
  correct: { text: "Corrected", tone: "blue" },
  reject: { text: "Rejected", tone: "red" },
};
const KINDS: Record<TFeedbackItem["label"]["kind"], string> = { ranking: "ranking", pairwise: "A/B choice", demonstration: "reply" };

/**
 * What reviewers said about the labeler's own labels in this project: a button with the number of
 * reviews not seen yet (remembered in this browser), opening the latest reviews with their decision,
 * comment, prompt and date. Comments and prompts are shown as plain text.
 */
export function FeedbackPanel({ projectId, userId, className }: { projectId: string; userId: string; className?: string }) {
  const storageKey = `rlhf:feedback-seen:${projectId}:${userId}`;
  const [items, setItems] = useState<TFeedbackItem[]>();
  const [error, setError] = useState<string>();
  // The newest review this browser has shown (ISO time); reviews after it are new.
  const [seenUntil, setSeenUntil] = useState("");
  const [open, setOpen] = useState(false);

  const load = useCallback(async () => {
    const res = await fetch(`/api/v1/projects/${projectId}/feedback?limit=20`, { cache: "no-store" }).catch(() => undefined);
    if (!res?.ok) return setError("Could not load feedback.");
    setError(undefined);
    setItems(((await res.json()) as TFeedbackResponse).items);
  }, [projectId]);

  useEffect(() => {
    setSeenUntil(localStorage.getItem(storageKey) ?? "");
    void load();
  }, [load, storageKey]);

  const isNew = (i: TFeedbackItem) => i.reviewedAt > seenUntil;
  const unseen = items?.filter(isNew).length ?? 0;

  function toggle() {
    setOpen((o) => !o);
    // Opening marks everything listed as seen for the next visit; this view still highlights what was new.
    if (!open && items?.length) localStorage.setItem(storageKey, items[0].reviewedAt);
    if (!open) void load();
  }

  return (
    <section aria-label="Feedback on your labels" className={className}>
      <Button type="button" variant="outline" size="sm" aria-expanded={open} aria-controls="feedback-list" onClick={toggle} data-testid="feedback-toggle">
        Feedback on your labels
        {unseen > 0 && !open ? <Badge tone="amber" data-testid="feedback-unseen">{unseen} new</Badge> : null}
      </Button>
      {open ? (
        <Card id="feedback-list" className="mt-2 space-y-3 p-3">
          {error ? <p className="text-sm text-red-600">{error}</p> : null}
          {items && items.length === 0 ? <p className="text-sm text-zinc-500">No reviews of your labels yet.</p> : null}
          <ul className="space-y-3">
            {items?.map((i) => (
              <li key={i.id} className="border-b border-zinc-200 pb-3 last:border-0 last:pb-0 dark:border-zinc-800" data-testid="feedback-item">
                <div className="flex flex-wrap items-center gap-2 text-xs text-zinc-500">
                  <Badge tone={DECISIONS[i.decision].tone}>{DECISIONS[i.decision].text}</Badge>
                  <span>your {KINDS[i.label.kind]} · reviewed {new Date(i.reviewedAt).toLocaleString()}</span>
                  {isNew(i) ? <Badge tone="amber">new</Badge> : null}
                </div>
                <p className="mt-1 line-clamp-2 whitespace-pre-wrap break-words text-sm text-zinc-600 dark:text-zinc-400">
                  <span className="font-medium">Prompt:</span> {i.prompt}{i.prompt.length >= FEEDBACK_PROMPT_CHARS ? "…" : ""}
                </p>
                {i.comment ? (
                  <blockquote className="mt-1 whitespace-pre-wrap break-words border-l-2 border-zinc-300 pl-2 text-sm dark:border-zinc-700" data-testid="feedback-comment">{i.comment}</blockquote>
                ) : (
                  <p className="mt-1 text-xs text-zinc-500">No comment.</p>
                )}
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </section>
  );
}
