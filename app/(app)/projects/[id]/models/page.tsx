import { notFound } from "next/navigation";
import { isAppError } from "@/lib/errors";
import { getProjectPermission } from "@/lib/permissions";
import { requirePageUser } from "@/lib/session";
import { listModels } from "@/lib/server/models/list-models";
import { Card, CardTitle, PageHeader } from "@/components/ui/card";
import { LineageTree } from "@/components/models/lineage-tree";
import { CandidatesButton } from "@/components/models/candidates-button";
import { Badge } from "@/components/ui/card";
import { statusTone } from "@/components/training/status-tone";

export default async function ModelsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requirePageUser();
  const versions = await listModels({ user, projectId: id }).catch((err) => {
    if (isAppError(err)) notFound();
    throw err;
  });
  const perm = await getProjectPermission(user, id);
  const policies = perm?.canManage ? versions.filter((v) => v.kind === "POLICY" && v.runId !== null && v.status !== "REJECTED" && v.status !== "ARCHIVED") : [];
  return (
    <>
      <PageHeader title="Model registry" description="Every version with its lineage: base → SFT → reward model → policies." />
      <Card>
        <CardTitle>Versions</CardTitle>
        <LineageTree projectId={id} versions={versions} />
      </Card>
      {policies.length ? (
        <Card className="mt-6">
          <CardTitle>Close the loop</CardTitle>
          <p className="mb-3 text-sm text-zinc-500">A policy answers the project&apos;s prompts; its answers become ranking tasks for labelers (the model stays hidden from them).</p>
          <ul className="space-y-4">
            {policies.map((v) => (
              <li key={v.id} className="space-y-1" data-testid={`close-loop-${v.id}`}>
                <div className="text-sm font-medium">{v.name} <Badge tone={statusTone(v.status)}>{v.status.toLowerCase()}</Badge></div>
                <CandidatesButton projectId={id} versionId={v.id} />
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </>
  );
}
