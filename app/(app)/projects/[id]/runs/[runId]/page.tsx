import { notFound } from "next/navigation";
import { isAppError } from "@/lib/errors";
import { getProjectPermission } from "@/lib/permissions";
import { requirePageUser } from "@/lib/session";
import { getRun } from "@/lib/server/runs/get-run";
import { PageHeader } from "@/components/ui/card";
import { RunMonitor } from "@/components/training/run-monitor";

export default async function RunPage({ params }: { params: Promise<{ id: string; runId: string }> }) {
  const { id, runId } = await params;
  const user = await requirePageUser();
  const run = await getRun({ user, runId }).catch((err) => {
    if (isAppError(err)) notFound();
    throw err;
  });
  if (run.projectId !== id) notFound();
  const perm = await getProjectPermission(user, id);
  return (
    <>
      <PageHeader title={`Round ${run.stages.map((s) => s.kind).join(" → ")}`} description={`Preset ${run.preset} · ${run.trigger} · snapshot ${run.snapshotId ?? "none"} · by ${run.createdBy ?? "schedule"}`} />
      <RunMonitor initial={run} canManage={Boolean(perm?.canManage)} />
    </>
  );
}
