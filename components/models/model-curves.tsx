"use client";
import { useEffect, useState } from "react";
import type { TMetricRow } from "@/lib/schemas/training";
import { LineChart } from "@/components/training/line-chart";

// Training curves of the stage that made a version (read once; the run page has the live view).
export function ModelCurves({ runId, stageId }: { runId: string; stageId: string }) {
  const [rows, setRows] = useState<TMetricRow[]>([]);
  useEffect(() => {
    void fetch(`/api/v1/runs/${runId}/metrics?limit=20000`).then(async (r) => {
      if (r.ok) setRows(((await r.json()) as { items: TMetricRow[] }).items.filter((m) => m.stageId === stageId));
    });
  }, [runId, stageId]);
  const names = [...new Set(rows.map((r) => r.name))].filter((n) => /loss|accuracy|reward|kl|entropy|score|margin/.test(n)).slice(0, 8);
  if (!names.length) return <p className="text-sm text-zinc-500">No curves recorded.</p>;
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      {names.map((n) => <LineChart key={n} title={n} points={rows.filter((r) => r.name === n).map((r) => ({ step: r.step, value: r.value }))} />)}
    </div>
  );
}
