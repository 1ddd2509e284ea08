"use client";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/card";
import { useApi } from "@/components/ui/use-api";

type Job = { jobId: string; state: string; output: { tasks?: number; responses?: number; message?: string } | null };

// Closes the loop (admins): a "candidates" job in the worker answers the project's prompts with this
// version and turns the answers into ranking tasks for labelers. Shows the job's state until it is done.
export function CandidatesButton({ projectId, versionId, label = "Write ranking tasks from this version" }: { projectId: string; versionId: string; label?: string }) {
  const { call, pending, error } = useApi();
  const [job, setJob] = useState<Job>();
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
    const r = await call<{ jobId: string }>("POST", `/api/v1/projects/${projectId}/candidates`, { versionIds: [versionId] });
    if (r) setJob({ jobId: r.jobId, state: "created", output: null });
  }

  return (
    <div className="space-y-2" data-testid="candidates">
      <Button variant="secondary" disabled={pending || running} onClick={start}>{label}</Button>
      {running ? <p className="text-sm text-zinc-500" data-testid="candidates-state">The worker is writing answers… ({job.state})</p> : null}
      {job?.state === "completed" ? (
        <Alert tone="success">
          <span data-testid="candidates-result">{job.output?.tasks ?? 0} ranking tasks created ({job.output?.responses ?? 0} answers).</span>{" "}
          <a className="underline" href={`/projects/${projectId}/label`}>Go to labeling</a>
        </Alert>
      ) : null}
      {job && (job.state === "failed" || job.state === "cancelled") ? <Alert>The job {job.state}{job.output?.message ? `: ${job.output.message}` : ""}.</Alert> : null}
      {error ? <Alert>{error}</Alert> : null}
    </div>
  );
}
