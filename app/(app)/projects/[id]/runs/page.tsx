import Link from "next/link";
import { notFound } from "next/navigation";
import { db } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { requireProjectAccess } from "@/lib/permissions";
import { requirePageUser } from "@/lib/session";
import { listRuns } from "@/lib/server/runs/list-runs";
import { listModels } from "@/lib/server/models/list-models";
import { Badge, Card, CardTitle, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { LaunchRunForm } from "@/components/training/launch-run-form";
import { statusTone } from "@/components/training/status-tone";

export default async function RunsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requirePageUser();
  const perm = await requireProjectAccess(user, id, "review").catch((err) => {
    if (isAppError(err)) notFound();
    throw err;
  });
  const [runs, versions, snapshots] = await Promise.all([
    listRuns({ user, projectId: id }),
    listModels({ user, projectId: id }),
    db.datasetSnapshot.findMany({ where: { projectId: id }, orderBy: { createdAt: "desc" }, select: { id: true, name: true } }),
  ]);
  return (
    <>
      <PageHeader title="Training rounds" description="Launch a round on frozen labels and watch it train." />
      <div className="space-y-6">
        {perm.canManage ? (
          <Card>
            <CardTitle>Launch a round</CardTitle>
            <LaunchRunForm projectId={id} snapshots={snapshots} versions={versions.map((v) => ({ id: v.id, name: v.name, kind: v.kind, status: v.status }))} />
          </Card>
        ) : null}
        <Card>
          <CardTitle>Rounds</CardTitle>
          <Table>
            <thead><tr><Th>Started</Th><Th>Stages</Th><Th>Status</Th><Th>Trigger</Th><Th>By</Th></tr></thead>
            <tbody>
              {runs.items.map((r) => (
                <tr key={r.id}>
                  <Td><Link className="text-blue-600 underline" href={`/projects/${id}/runs/${r.id}`}>{r.createdAt.slice(0, 16).replace("T", " ")}</Link></Td>
                  <Td className="font-mono text-xs">{r.stages.map((s) => `${s.kind} ${s.step}/${s.totalSteps}`).join(" → ")}</Td>
                  <Td><Badge tone={statusTone(r.status)}>{r.status}</Badge></Td>
                  <Td>{r.trigger}</Td>
                  <Td>{r.createdBy ?? "—"}</Td>
                </tr>
              ))}
              {runs.items.length === 0 ? <tr><Td colSpan={5} className="text-zinc-500">No rounds yet.</Td></tr> : null}
            </tbody>
          </Table>
        </Card>
      </div>
    </>
  );
}
