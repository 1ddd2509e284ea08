"use client";
import { useCallback, useEffect, useState } from "react";
import type { TComparisonChoice, TComparisonItemView } from "@/lib/schemas/training";
import { Button } from "@/components/ui/button";
import { Alert, Card } from "@/components/ui/card";
import { Markdown } from "@/components/labeling/markdown";

// Blind A/B voting: two answers in random order, versions hidden. Keys: 1 left, 2 right, 3 tie, 4 both bad.
// Prompt and answers go through the shared Markdown view, which shows raw HTML as visible text: voters
// judge exactly the text the versions wrote.
export function BlindVote({ comparisonId }: { comparisonId: string }) {
  const [item, setItem] = useState<TComparisonItemView | null | undefined>(undefined);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const load = useCallback(async () => {
    const r = await fetch(`/api/v1/comparisons/${comparisonId}/next`);
    if (r.status === 204) setItem(null);
    else if (r.ok) setItem(await r.json());
    else setError(((await r.json().catch(() => ({}))) as { error?: string }).error ?? `Failed (${r.status})`);
  }, [comparisonId]);
  useEffect(() => void load(), [load]);
  const vote = useCallback(async (choice: TComparisonChoice) => {
    if (!item || busy) return;
    setBusy(true);
    const r = await fetch(`/api/v1/comparison-items/${item.itemId}/vote`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ choice }) });
    setBusy(false);
    if (!r.ok) setError(((await r.json().catch(() => ({}))) as { error?: string }).error ?? `Failed (${r.status})`);
    await load();
  }, [item, busy, load]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const map: Record<string, TComparisonChoice> = { "1": "left", "2": "right", "3": "tie", "4": "both_bad" };
      if (map[e.key] && !(e.target instanceof HTMLTextAreaElement)) void vote(map[e.key]);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [vote]);

  if (item === undefined) return <p className="text-sm text-zinc-500">Loading…</p>;
  if (item === null) return <Alert tone="success">Nothing left to vote on here (or the answers are still being written: reload in a moment).</Alert>;
  return (
    <div className="space-y-4">
      {error ? <Alert>{error}</Alert> : null}
      <Card data-testid="blind-prompt"><Markdown className="font-medium">{item.prompt}</Markdown><div className="text-xs text-zinc-500">{item.remaining} left</div></Card>
      <div className="grid gap-4 sm:grid-cols-2">
        <Card data-testid="answer-left"><div className="mb-1 text-xs text-zinc-500">Left</div>{item.left ? <Markdown>{item.left}</Markdown> : <p className="text-sm text-zinc-500">(empty)</p>}</Card>
        <Card data-testid="answer-right"><div className="mb-1 text-xs text-zinc-500">Right</div>{item.right ? <Markdown>{item.right}</Markdown> : <p className="text-sm text-zinc-500">(empty)</p>}</Card>
      </div>
      <div className="flex flex-wrap gap-2">
        <Button disabled={busy} onClick={() => vote("left")}>Left is better (1)</Button>
        <Button disabled={busy} onClick={() => vote("right")}>Right is better (2)</Button>
        <Button variant="secondary" disabled={busy} onClick={() => vote("tie")}>Tie (3)</Button>
        <Button variant="outline" disabled={busy} onClick={() => vote("both_bad")}>Both bad (4)</Button>
      </div>
    </div>
  );
}
