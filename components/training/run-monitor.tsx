"use client";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import type { TLogRow, TMetricRow, TRunView } from "@/lib/schemas/training";
import { Alert, Badge, Card, CardTitle } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { useApi } from "@/components/ui/use-api";
import { LineChart } from "@/components/training/line-chart";
import { statusTone } from "@/components/training/status-tone";

// A run while it trains: stage progress with ETA, live charts (metrics polled every 2 s with a cursor),
// the log, and cancel. Polling stops when the run has finished.

const CHARTED = /^(loss|val\/loss|mean_token_accuracy|entropy|accuracy|margin|val\/accuracy|objective\/kl|objective\/entropy|objective\/scores|objective\/rlhf_reward|rewards\/accuracies|rewards\/margins|loss\/policy_avg|loss\/value_avg)$|loss|accuracy|reward|kl|entropy/;
const done = (s: string) => s === "SUCCEEDED" || s === "FAILED" || s === "CANCELLED";

export function RunMonitor({ initial, canManage }: { initial: TRunView; canManage: boolean }) {
  const [run, setRun] = useState(initial);
  const [metrics, setMetrics] = useState<TMetricRow[]>([]);
  const [logs, setLogs] = useState<TLogRow[]>([]);
  const cursors = useRef({ metrics: 0, logs: 0 });
  const seen = useRef<Record<string, { at: number; step: number }>>({});
  const { call, pending, error } = useApi();

  useEffect(() => {
    let stop = false;
    const tick = async () => {
      try {
        const [r, m, l] = await Promise.all([
          fetch(`/api/v1/runs/${initial.id}`).then((x) => x.json() as Promise<TRunView>),
          fetch(`/api/v1/runs/${initial.id}/metrics?after=${cursors.current.metrics}`).then((x) => x.json() as Promise<{ items: TMetricRow[]; next: number }>),
          fetch(`/api/v1/runs/${initial.id}/logs?after=${cursors.current.logs}`).then((x) => x.json() as Promise<{ items: TLogRow[]; next: number }>),
        ]);
        if (stop) return;
        for (const s of r.stages) if (!seen.current[s.id] && s.status === "RUNNING") seen.current[s.id] = { at: Date.now(), step: s.step };
        setRun(r);
        if (m.items?.length) {
          cursors.current.metrics = m.next;
          setMetrics((prev) => [...prev, ...m.items]);
        }
        if (l.items?.length) {
          cursors.current.logs = l.next;
          setLogs((prev) => [...prev, ...l.items].slice(-500));
        }
        if (done(r.status) && !m.items?.length) return;
      } catch {
        /* next tick */
      }
      if (!stop) timer = setTimeout(tick, 2_000);
    };
    let timer = setTimeout(tick, 0);
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [initial.id]);

  const eta = (s: TRunView["stages"][number]) => {
    const first = seen.current[s.id];
    if (s.status !== "RUNNING" || !first || s.step <= first.step || !s.totalSteps) return null;
    const rate = (s.step - first.step) / ((Date.now() - first.at) / 1000);
    const secs = Math.round((s.totalSteps - s.step) / rate);
    return secs < 90 ? `${secs}s left` : `${Math.round(secs / 60)} min left`;
  };

  return (
    <div className="space-y-6">
      <Card>
        <div className="flex flex-wrap items-center justify-between gap-2">
          <div className="flex items-center gap-2">
            <CardTitle className="mb-0">Round</CardTitle>
            <Badge tone={statusTone(run.status)} data-testid="run-status">{run.status}</Badge>
            {run.cancelRequested && !done(run.status) ? <Badge tone="amber">cancelling…</Badge> : null}
          </div>
          {canManage && !done(run.status) ? (
            <Button variant="destructive" size="sm" disabled={pending || run.cancelRequested} onClick={() => call("POST", `/api/v1/runs/${run.id}/cancel`)}>
              Cancel round
            </Button>
          ) : null}
        </div>
        {error ? <Alert className="mt-2">{error}</Alert> : null}
        {run.error ? <Alert className="mt-2">{run.error}</Alert> : null}
        <ol className="mt-4 space-y-3">
          {run.stages.map((s) => {
            const pct = s.totalSteps ? Math.round((100 * s.step) / s.totalSteps) : 0;
            return (
              <li key={s.id} className="text-sm" data-testid={`stage-${s.kind}`}>
                <div className="flex flex-wrap items-center gap-2">
                  <span className="w-16 font-mono font-medium">{s.kind}</span>
                  <Badge tone={statusTone(s.status)}>{s.status}</Badge>
                  <span className="text-zinc-500">step {s.step} of {s.totalSteps || "?"}</span>
                  {eta(s) ? <span className="text-zinc-500">· {eta(s)}</span> : null}
                  {s.attempts > 1 ? <span className="text-amber-600">· attempt {s.attempts}</span> : null}
                  {s.modelVersionId ? (
                    <Link className="text-blue-600 underline" href={`/projects/${run.projectId}/models/${s.modelVersionId}`}>
                      version
                    </Link>
                  ) : null}
                </div>
                <div className="mt-1 h-1.5 w-full rounded bg-zinc-200 dark:bg-zinc-800">
                  <div className="h-1.5 rounded bg-blue-600 transition-all" style={{ width: `${pct}%` }} />
                </div>
              </li>
            );
          })}
        </ol>
      </Card>

      {run.stages.map((s) => {
        const rows = metrics.filter((m) => m.stageId === s.id);
        const names = [...new Set(rows.map((m) => m.name))].filter((n) => CHARTED.test(n)).slice(0, 8);
        if (!names.length) return null;
        return (
          <Card key={s.id}>
            <CardTitle>{s.kind} metrics</CardTitle>
            <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
              {names.map((n) => (
                <LineChart key={n} title={n} points={rows.filter((m) => m.name === n).map((m) => ({ step: m.step, value: m.value }))} />
              ))}
            </div>
          </Card>
        );
      })}

      <Card>
        <CardTitle>Log</CardTitle>
        <pre className="max-h-80 overflow-auto whitespace-pre-wrap text-xs" data-testid="run-log">
          {logs.map((l) => `${l.createdAt.slice(11, 19)} ${l.level === "info" ? "" : `[${l.level}] `}${l.message}`).join("\n") || "No log lines yet."}
        </pre>
      </Card>
    </div>
  );
}
