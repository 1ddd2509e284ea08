"use client";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/input";
import { useApi } from "@/components/ui/use-api";

type Job = { jobId: string; state: string; output: { tasks?: number; responses?: number; promptsTruncated?: number; message?: string } | null };

// Closes the loop (admins): a "candidates" job in the worker answers the project's prompts with this
// version and turns the answers into ranking tasks for labelers, with the sampling settings chosen here
// (temperature, most new tokens per answer). Shows the job's state until it is done.
export function CandidatesButton({ projectId, versionId, label = "Write ranking tasks from this version" }: { projectId: string; versionId: string; label?: string }) {
  const { call, pending, error } = useApi();
  const [job, setJob] = useState<Job>();
  const [temperature, setTemperature] = useState(1);
  const [maxTokens, setMaxTokens] = useState(64);
  const running = job !== undefined && !["completed", "failed", "cancelled"].includes(job.state);

  useEffect(() => {
    if (!job || !running) return;
    const t = setTimeout(async () => {
      const res = await fetch(`/api/v1/projects/${projectId}/candidates?jobId=${encodeURIComponent(job.jobId)}`);
      if (res.ok) setJob((await res.json()) as Job);
      else setJob({ ...job, state: "failed", output: { message: `Could not read the job (${res.status})` } });
    }, 1_000);
    return () => clearTimeout(t);
  }, [job, running, projectId]);

  async function start() {
    const r = await call<{ jobId: string }>("POST", `/api/v1/projects/${projectId}/candidates`, { versionIds: [versionId], temperature, maxTokens });
    if (r) setJob({ jobId: r.jobId, state: "created", output: null });
  }

  return (
    <div className="space-y-2" data-testid="candidates">
      <div className="flex flex-wrap items-end gap-3">
        <Field label={`Temperature ${temperature}`} htmlFor={`cand-temp-${versionId}`}>
          <input id={`cand-temp-${versionId}`} type="range" min={0} max={2} step={0.1} value={temperature} onChange={(e) => setTemperature(Number(e.target.value))} className="w-32" />
        </Field>
        <Field label="Max new tokens" htmlFor={`cand-max-${versionId}`}>
          <Input id={`cand-max-${versionId}`} className="w-24" type="number" min={1} max={512} value={maxTokens} onChange={(e) => setMaxTokens(Number(e.target.value))} />
        </Field>
        <Button variant="secondary" disabled={pending || running} onClick={start}>{label}</Button>
      </div>
      {running ? <p className="text-sm text-zinc-500" data-testid="candidates-state">The worker is writing answers… ({job.state})</p> : null}
      {job?.state === "completed" ? (
        <Alert tone="success">
          <span data-testid="candidates-result">{job.output?.tasks ?? 0} ranking tasks created ({job.output?.responses ?? 0} answers).</span>{" "}
          {job.output?.promptsTruncated ? <span>{job.output.promptsTruncated} prompts were longer than the model reads and were answered from their end. </span> : null}
          <a className="underline" href={`/projects/${projectId}/label`}>Go to labeling</a>
        </Alert>
      ) : null}
      {job && (job.state === "failed" || job.state === "cancelled") ? <Alert>The job {job.state}{job.output?.message ? `: ${job.output.message}` : ""}.</Alert> : null}
      {error ? <Alert>{error}</Alert> : null}
    </div>
  );
}
