"use client";
import { useCallback, useEffect, useState } from "react";
import type { TExportFormat, TSnapshotCounts, TSnapshotPreview, TSnapshotSummary } from "@/lib/schemas/labeling";
import { Button } from "@/components/ui/button";
import { Alert, Card, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Table, Td, Th } from "@/components/ui/table";

/** Each export format, named for the trainer that reads it as it is. */
export const EXPORTS: { format: TExportFormat; label: string; reads: string }[] = [
  { format: "sft", label: "SFT", reads: "prompt / completion (TRL SFTTrainer, OpenRLHF)" },
  { format: "sft_messages", label: "SFT chat", reads: "messages (TRL SFTTrainer, chat template)" },
  { format: "preference", label: "Preferences", reads: "prompt / chosen / rejected (TRL RewardTrainer, DPOTrainer)" },
  { format: "prompts", label: "Prompts", reads: "prompt (TRL GRPO / RLOO / PPO)" },
];

async function readError(res: Response) {
  const data = await res.json().catch(() => undefined);
  const issues = (data as { issues?: { path: string; message: string }[] })?.issues;
  return issues?.map((i) => `${i.path}: ${i.message}`).join("; ") ?? data?.error ?? `Request failed (${res.status})`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "12 reviewed, 3 unreviewed" for counts that carry review figures (older snapshots do not). */
function reviewSummary(c: TSnapshotCounts) {
  if (c.reviewed === undefined || c.unreviewed === undefined) return null;
  return `${c.reviewed} reviewed, ${c.unreviewed} unreviewed`;
}

/** What freezing now would hold, with the labels a reviewer looked at and those nobody did. */
function FreezePreview({ preview }: { preview?: TSnapshotPreview }) {
  if (!preview) return <p className="mb-3 text-sm text-zinc-500">Counting the labels…</p>;
  const c = preview.counts;
  const labels = c.demonstrations + c.rankings + c.pairwise;
  return (
    <div className="mb-3 space-y-1 text-sm" data-testid="snapshot-preview">
      <p>
        Freezing now takes <strong>{plural(labels, "label")}</strong> ({c.demonstrations} demonstrations, {c.rankings} rankings, {c.pairwise} pairwise):{" "}
        {c.sft} SFT rows, {plural(c.preferences, "preference pair")}, {plural(c.prompts, "prompt")}.
      </p>
      <p data-testid="snapshot-preview-review">
        <strong>{c.reviewed}</strong> reviewed (accepted or corrected by a reviewer), <strong>{c.unreviewed}</strong> unreviewed
        {c.pendingReview ? <>; {plural(c.pendingReview, "label")} waiting for review {c.pendingReview === 1 ? "is" : "are"} left out</> : null}.
      </p>
      <p className="text-xs text-zinc-500">
        {preview.reviewRequired
          ? "This project requires review: new labels enter snapshots only once a reviewer accepts or corrects them."
          : "This project does not require review: labels count as accepted when submitted, so unreviewed labels are included."}
      </p>
    </div>
  );
}

/** Freeze the project's accepted labels into a named, hashed snapshot; download it in TRL-ready JSONL. */
export function SnapshotsPanel({ projectId }: { projectId: string }) {
  const [items, setItems] = useState<TSnapshotSummary[]>();
  const [preview, setPreview] = useState<TSnapshotPreview>();
  const [name, setName] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const [created, setCreated] = useState<string>();

  const load = useCallback(async () => {
    const [res, pre] = await Promise.all([
      fetch(`/api/v1/projects/${projectId}/snapshots`, { cache: "no-store" }),
      fetch(`/api/v1/projects/${projectId}/snapshots/preview`, { cache: "no-store" }),
    ]);
    if (!res.ok) return setError(await readError(res));
    if (!pre.ok) return setError(await readError(pre));
    setItems(((await res.json()) as { items: TSnapshotSummary[] }).items);
    setPreview((await pre.json()) as TSnapshotPreview);
  }, [projectId]);
  useEffect(() => {
    void load();
  }, [load]);

  async function freeze(e: React.FormEvent) {
    e.preventDefault();
    setPending(true);
    setError(undefined);
    setCreated(undefined);
    try {
      const res = await fetch(`/api/v1/projects/${projectId}/snapshots`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name }),
      });
      if (!res.ok) return setError(await readError(res));
      const snap = (await res.json()) as TSnapshotSummary;
      const review = reviewSummary(snap.counts);
      setCreated(`Snapshot “${snap.name}” frozen: ${snap.counts.sft} SFT rows, ${snap.counts.preferences} preference pairs, ${snap.counts.prompts} prompts${review ? `; labels ${review}` : ""}.`);
      setName("");
      await load();
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="space-y-6">
      <Card>
        <CardTitle>Freeze a snapshot</CardTitle>
        <p className="mb-3 text-sm text-zinc-500">A snapshot holds the accepted and corrected labels as they are now. Training runs name the snapshot they used, so results can be traced back to data.</p>
        <FreezePreview preview={preview} />
        <form onSubmit={freeze} className="flex flex-wrap items-end gap-2">
          <label className="min-w-48 flex-1 text-sm">
            <span className="mb-1 block font-medium">Snapshot name</span>
            <Input value={name} onChange={(e) => setName(e.target.value)} required maxLength={120} placeholder="e.g. round-1" />
          </label>
          <Button type="submit" disabled={pending || !name.trim()}>{pending ? "Freezing…" : "Freeze snapshot"}</Button>
        </form>
        {error ? <Alert className="mt-3">{error}</Alert> : null}
        {created ? <Alert tone="success" className="mt-3">{created}</Alert> : null}
      </Card>
      <Card>
        <CardTitle>Snapshots</CardTitle>
        {!items ? <p className="text-sm text-zinc-500">Loading…</p> : (
          <Table aria-label="Snapshots">
            <thead>
              <tr><Th>Name</Th><Th className="text-right">SFT</Th><Th className="text-right">Preference pairs</Th><Th className="text-right">Rankings</Th><Th className="text-right">Prompts</Th><Th>Labels reviewed</Th><Th>Hash</Th><Th>Download JSONL</Th></tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr key={s.id} data-testid={`snapshot-${s.name}`}>
                  <Td><span className="font-medium">{s.name}</span><span className="block text-xs text-zinc-500">{new Date(s.createdAt).toLocaleString()}</span></Td>
                  <Td className="text-right tabular-nums">{s.counts.sft}</Td>
                  <Td className="text-right tabular-nums">{s.counts.preferences}</Td>
                  <Td className="text-right tabular-nums">{s.counts.rankings}</Td>
                  <Td className="text-right tabular-nums">{s.counts.prompts}</Td>
                  <Td className="text-xs" data-testid="snapshot-review">{reviewSummary(s.counts) ?? "not counted"}</Td>
                  <Td><code className="text-xs" title={s.hash}>{s.hash.slice(0, 12)}</code></Td>
                  <Td>
                    <div className="flex flex-wrap gap-1">
                      {EXPORTS.map((x) => (
                        <Button key={x.format} asChild size="sm" variant="outline">
                          <a href={`/api/v1/snapshots/${s.id}/export?format=${x.format}`} download={`${s.name}-${x.format}.jsonl`} title={x.reads} aria-label={`Download ${x.label} JSONL of ${s.name}`}>
                            {x.label}
                          </a>
                        </Button>
                      ))}
                    </div>
                  </Td>
                </tr>
              ))}
              {items.length === 0 ? <tr><Td colSpan={8} className="text-zinc-500">No snapshots yet.</Td></tr> : null}
            </tbody>
          </Table>
        )}
        <ul className="mt-3 space-y-0.5 text-xs text-zinc-500">
          {EXPORTS.map((x) => <li key={x.format}><span className="font-medium">{x.label}</span>: {x.reads}</li>)}
        </ul>
      </Card>
    </div>
  );
}
