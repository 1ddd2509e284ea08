"use client";
import { useEffect, useState } from "react";
import type { TProjectQualityResponse } from "@/lib/schemas/labeling";
import { GOLD_TAU_THRESHOLD, LOW_AGREEMENT_TAU } from "@/lib/schemas/labeling";
import { Alert, Badge, Card, CardTitle } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";

const fmt = (v: number | null | undefined, digits = 2) => (v === null || v === undefined ? "–" : v.toFixed(digits));
const pct = (v: number | null | undefined) => (v === null || v === undefined ? "–" : `${Math.round(v * 100)}%`);
const secs = (ms: number | null | undefined) => (ms === null || ms === undefined ? "–" : ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 60_000).toFixed(1)} min`);

function tauTone(v: number | null) {
  if (v === null) return "default" as const;
  return v < LOW_AGREEMENT_TAU ? ("red" as const) : v < GOLD_TAU_THRESHOLD ? ("amber" as const) : ("green" as const);
}

/** Agreement across labelers (Kendall's tau-b on rankings, Krippendorff's alpha on flags and scores) and per labeler. */
export function QualityView({ projectId }: { projectId: string }) {
  const [data, setData] = useState<TProjectQualityResponse>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    fetch(`/api/v1/projects/${projectId}/quality`, { cache: "no-store" })
      .then(async (res) => (res.ok ? setData(await res.json()) : setError((await res.json().catch(() => ({})))?.error ?? `Request failed (${res.status})`)))
      .catch((e) => setError(String(e)));
  }, [projectId]);
  if (error) return <Alert>{error}</Alert>;
  if (!data) return <p className="text-sm text-zinc-500" role="status">Loading…</p>;
  const p = data.project;
  return (
    <div className="space-y-6">
      <div className="grid grid-cols-2 gap-3 md:grid-cols-3 lg:grid-cols-6">
        <Metric label="Labels" value={String(p.count)} />
        <Metric label="Labelers" value={String(p.labelers)} />
        <Metric label="Kendall's τ-b" value={fmt(p.agreement.kendallTau)} hint={`${p.agreement.comparisons} labeler pairs`} tone={tauTone(p.agreement.kendallTau)} testId="metric-tau" />
        <Metric label="α (flags)" value={fmt(p.agreement.alphaFlags)} hint="Krippendorff, nominal" />
        <Metric label="α (scores)" value={fmt(p.agreement.alphaScores)} hint="Krippendorff, interval" />
        <Metric label="Gold accuracy" value={pct(p.goldAccuracy)} hint={`${p.goldChecked} gold checks`} />
      </div>
      <Card>
        <CardTitle>Labelers</CardTitle>
        <Table aria-label="Labelers">
          <thead>
            <tr><Th>Labeler</Th><Th className="text-right">Labels</Th><Th className="text-right">Median time</Th><Th className="text-right">Agreement (τ-b)</Th><Th className="text-right">Gold accuracy</Th><Th className="text-right">Rejected</Th></tr>
          </thead>
          <tbody>
            {data.labelers.map((l) => (
              <tr key={l.userId}>
                <Td><span className="font-medium">{l.name ?? l.email}</span>{l.name ? <span className="block text-xs text-zinc-500">{l.email}</span> : null}</Td>
                <Td className="text-right tabular-nums">{l.count}</Td>
                <Td className="text-right tabular-nums">{secs(l.medianTimeMs)}</Td>
                <Td className="text-right tabular-nums"><Badge tone={tauTone(l.agreement.kendallTau)}>{fmt(l.agreement.kendallTau)}</Badge> <span className="text-xs text-zinc-500">({l.agreement.comparisons})</span></Td>
                <Td className="text-right tabular-nums">{pct(l.goldAccuracy)} <span className="text-xs text-zinc-500">({l.goldChecked})</span></Td>
                <Td className="text-right tabular-nums">{l.rejected}</Td>
              </tr>
            ))}
            {data.labelers.length === 0 ? <tr><Td colSpan={6} className="text-zinc-500">No labels yet.</Td></tr> : null}
          </tbody>
        </Table>
        <p className="mt-3 text-xs text-zinc-500">
          τ-b runs from −1 (opposite order) to 1 (same order); below {LOW_AGREEMENT_TAU} a label goes to the review queue. A gold check passes at τ-b ≥ {GOLD_TAU_THRESHOLD} with the gold ranking, or when the gold best answer is in the labeler&apos;s top group.
        </p>
      </Card>
    </div>
  );
}

function Metric({ label, value, hint, tone, testId }: { label: string; value: string; hint?: string; tone?: "default" | "green" | "red" | "amber"; testId?: string }) {
  const color = tone === "red" ? "text-red-600" : tone === "amber" ? "text-amber-600" : tone === "green" ? "text-green-600" : "";
  return (
    <Card className="p-3">
      <p className="text-xs text-zinc-500">{label}</p>
      <p className={`text-2xl font-semibold tabular-nums ${color}`} data-testid={testId}>{value}</p>
      {hint ? <p className="text-[11px] text-zinc-500">{hint}</p> : null}
    </Card>
  );
}
