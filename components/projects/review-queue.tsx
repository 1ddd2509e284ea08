"use client";
import { useEffect, useState } from "react";
import type { TPairwiseChoice, TReviewLabelRequest, TReviewQueueItem } from "@/lib/schemas/labeling";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { Alert, Badge, Card } from "@/components/ui/card";
import { Select, Textarea } from "@/components/ui/input";
import { PromptView } from "@/components/labeling/conversation";
import { RankingBoard } from "@/components/labeling/ranking-board";
import { RankingGroupsView } from "@/components/labeling/label-view";
import { Markdown } from "@/components/labeling/markdown";
import { answerLabel } from "@/components/labeling/types";

const REASONS: Record<TReviewQueueItem["reason"], { text: string; tone: "red" | "amber" | "default" }> = {
  failed_gold: { text: "failed gold", tone: "red" },
  low_agreement: { text: "low agreement", tone: "amber" },
  unreviewed: { text: "not reviewed yet", tone: "default" },
};
const CHOICES: Record<TPairwiseChoice, string> = { A: "A is better", B: "B is better", tie: "Tie", both_bad: "Both bad" };

async function readError(res: Response) {
  const data = await res.json().catch(() => undefined);
  const issues = (data as { issues?: { path: string; message: string }[] })?.issues;
  return issues?.map((i) => `${i.path}: ${i.message}`).join("; ") ?? data?.error ?? `Request failed (${res.status})`;
}

/** The review queue: failed gold first, then low agreement, then the rest. Accept, correct or reject each label. */
export function ReviewQueue({ projectId }: { projectId: string }) {
  const [items, setItems] = useState<TReviewQueueItem[]>();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>("");
  useEffect(() => {
    fetch(`/api/v1/projects/${projectId}/review-queue?limit=50`, { cache: "no-store" })
      .then(async (res) => (res.ok ? setItems(((await res.json()) as { items: TReviewQueueItem[] }).items) : setError(await readError(res))))
      .catch((e) => setError(String(e)));
  }, [projectId]);
  if (error) return <Alert>{error}</Alert>;
  if (!items) return <p className="text-sm text-zinc-500" role="status">Loading…</p>;
  return (
    <div className="space-y-4">
      <p aria-live="polite" role="status" className="text-sm text-zinc-500">{done}</p>
      {items.length === 0 ? (
        <Card className="py-10 text-center" data-testid="review-empty">
          <p className="font-semibold">The review queue is empty</p>
          <p className="text-sm text-zinc-500">Every label has been reviewed.</p>
        </Card>
      ) : null}
      {items.map((item) => (
        <ReviewItem
          key={`${item.kind}-${item.id}`}
          item={item}
          onDone={(decision) => {
            setItems((xs) => xs?.filter((x) => x.id !== item.id));
            setDone(`Label by ${item.labeler.email} ${decision === "accept" ? "accepted" : decision === "reject" ? "rejected" : "corrected"}.`);
          }}
        />
      ))}
    </div>
  );
}

function ReviewItem({ item, onDone }: { item: TReviewQueueItem; onDone: (decision: TReviewLabelRequest["decision"]) => void }) {
  const [comment, setComment] = useState("");
  const [correcting, setCorrecting] = useState(false);
  const [groups, setGroups] = useState<string[][]>(item.label.groups ?? item.responses.map((r) => [r.id]));
  const [text, setText] = useState(item.label.text ?? "");
  const [choice, setChoice] = useState<TPairwiseChoice>(item.label.choice ?? "tie");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const reason = REASONS[item.reason];

  async function decide(decision: TReviewLabelRequest["decision"]) {
    const body: TReviewLabelRequest = { decision, ...(comment.trim() ? { comment: comment.trim() } : {}) };
    if (decision === "correct") {
      if (item.kind === "ranking") body.correctedGroups = groups;
      if (item.kind === "demonstration") body.correctedText = text;
      if (item.kind === "pairwise") body.correctedChoice = choice;
    }
    setPending(true);
    setError(undefined);
    try {
      const res = await fetch(`/api/v1/labels/${item.kind}/${item.id}/review`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (!res.ok) return setError(await readError(res));
      onDone(decision);
    } finally {
      setPending(false);
    }
  }

  return (
    <Card className="space-y-3" data-testid="review-item" data-label-id={item.id} aria-label={`${item.kind} label by ${item.labeler.email}`}>
      <div className="flex flex-wrap items-center gap-2 text-xs">
        <Badge tone="blue">{item.kind}</Badge>
        <Badge tone={reason.tone}>{reason.text}</Badge>
        {item.agreement !== null ? <Badge>τ-b {item.agreement.toFixed(2)}</Badge> : null}
        {item.goldPassed === false ? <Badge tone="red">gold failed</Badge> : item.goldPassed ? <Badge tone="green">gold passed</Badge> : null}
        {item.label.allBad ? <Badge tone="amber">all bad</Badge> : null}
        <span className="ml-auto text-zinc-500">
          {item.labeler.name ?? item.labeler.email} · {new Date(item.createdAt).toLocaleString()}
          {item.label.timeSpentMs ? ` · ${Math.round(item.label.timeSpentMs / 1000)} s` : ""}
        </span>
      </div>
      <PromptView prompt={item.prompt} messages={item.messages} />

      {item.kind === "ranking" && item.label.groups ? (
        correcting ? (
          <RankingBoard items={item.responses.map((r, i) => ({ id: r.id, label: answerLabel(i), text: r.text }))} groups={groups} onChange={setGroups} />
        ) : (
          <RankingGroupsView groups={item.label.groups} responses={item.responses} flags={item.label.flags} scores={item.label.scores} />
        )
      ) : null}
      {item.kind === "demonstration" ? (
        correcting ? (
          <Textarea aria-label="Corrected reply" value={text} onChange={(e) => setText(e.target.value)} className="min-h-48 font-mono" />
        ) : (
          <div className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800"><p className="mb-1 text-xs font-medium uppercase text-zinc-500">Reply written</p><Markdown>{item.label.text ?? ""}</Markdown></div>
        )
      ) : null}
      {item.kind === "pairwise" ? (
        <div className="space-y-2">
          <div className="grid gap-2 md:grid-cols-2">
            {item.responses.slice(0, 2).map((r, i) => (
              <div key={r.id} className="rounded-lg border border-zinc-200 p-2.5 dark:border-zinc-800"><p className="mb-1 text-xs font-semibold">{i === 0 ? "A" : "B"} <Badge>{r.source.toLowerCase()}</Badge></p><Markdown>{r.text}</Markdown></div>
            ))}
          </div>
          {correcting ? (
            <Select aria-label="Corrected choice" value={choice} onChange={(e) => setChoice(e.target.value as TPairwiseChoice)} className="w-auto">
              {Object.entries(CHOICES).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
            </Select>
          ) : (
            <p className="text-sm">Labeler chose: <strong>{item.label.choice ? CHOICES[item.label.choice] : "–"}</strong>{item.label.strength ? ` (strength ${item.label.strength} of 3)` : ""}</p>
          )}
        </div>
      ) : null}
      {item.label.rationale ? <p className="text-sm"><span className="font-medium">Labeler&apos;s reason:</span> {item.label.rationale}</p> : null}

      <div>
        <label htmlFor={`comment-${item.id}`} className="mb-1 block text-sm font-medium">Comment for the labeler</label>
        <Textarea id={`comment-${item.id}`} value={comment} onChange={(e) => setComment(e.target.value)} className="min-h-14" />
      </div>
      {error ? <Alert>{error}</Alert> : null}
      <div className="flex flex-wrap gap-2">
        {correcting ? (
          <>
            <Button onClick={() => decide("correct")} disabled={pending}>Save correction</Button>
            <Button variant="ghost" onClick={() => setCorrecting(false)} disabled={pending}>Cancel</Button>
          </>
        ) : (
          <>
            <Button onClick={() => decide("accept")} disabled={pending}>Accept</Button>
            <Button variant="outline" onClick={() => setCorrecting(true)} disabled={pending}>Correct…</Button>
            <ConfirmButton
              variant="destructive"
              disabled={pending}
              title="Reject this label?"
              description={`The label by ${item.labeler.name ?? item.labeler.email} no longer counts and its item goes back to labeling.`}
              confirmLabel="Reject label"
              onConfirm={() => decide("reject")}
            >
              Reject
            </ConfirmButton>
          </>
        )}
      </div>
    </Card>
  );
}
