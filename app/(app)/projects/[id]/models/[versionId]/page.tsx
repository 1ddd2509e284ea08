import Link from "next/link";
import { notFound } from "next/navigation";
import { isAppError } from "@/lib/errors";
import { getProjectPermission } from "@/lib/permissions";
import { requirePageUser } from "@/lib/session";
import { getModel } from "@/lib/server/models/get-model";
import { Badge, Card, CardTitle, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { ModelActions } from "@/components/models/model-actions";
import { CandidatesButton } from "@/components/models/candidates-button";
import { ModelCurves } from "@/components/models/model-curves";
import { statusTone } from "@/components/training/status-tone";
import { Markdown } from "@/components/labeling/markdown";

export default async function ModelPage({ params }: { params: Promise<{ id: string; versionId: string }> }) {
  const { id, versionId } = await params;
  const user = await requirePageUser();
  const v = await getModel({ user, versionId }).catch((err) => {
    if (isAppError(err)) notFound();
    throw err;
  });
  if (v.projectId !== id) notFound();
  const perm = await getProjectPermission(user, id);
  const samples = ((v.evaluation as { samples?: { prompt: string; completion: string }[] } | null)?.samples ?? []);
  return (
    <>
      <PageHeader
        title={v.name}
        description={<span className="flex flex-wrap items-center gap-2"><Badge>{v.kind}</Badge><Badge tone={statusTone(v.status)} data-testid="version-status">{v.status}</Badge><span>{v.algorithm} · snapshot {v.snapshotName ?? "—"} · launched by {v.launchedBy ?? "—"}</span></span>}
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardTitle>Lineage</CardTitle>
          <ul className="text-sm">
            <li>Parent: {v.parentId ? <Link className="text-blue-600 underline" href={`/projects/${id}/models/${v.parentId}`}>{v.parentId}</Link> : "—"}</li>
            {v.rewardModelId ? <li>Reward model: <Link className="text-blue-600 underline" href={`/projects/${id}/models/${v.rewardModelId}`}>{v.rewardModelId}</Link></li> : null}
            <li>Round: {v.runId ? <Link className="text-blue-600 underline" href={`/projects/${id}/runs/${v.runId}`}>{v.runId}</Link> : "—"}</li>
            <li><a className="text-blue-600 underline" href={`/api/v1/models/${v.id}/download`}>Download (safetensors, config, tokenizer)</a></li>
            {v.kind !== "RM" ? <li><Link className="text-blue-600 underline" href={`/projects/${id}/playground?version=${v.id}`}>Try it in the playground</Link></li> : null}
          </ul>
        </Card>
        <Card>
          <CardTitle>Review</CardTitle>
          <ModelActions versionId={v.id} projectId={id} kind={v.kind} status={v.status} canReview={Boolean(perm?.canReview)} canManage={Boolean(perm?.canManage)} />
          {perm?.canManage && v.kind === "POLICY" && v.artifactPath ? (
            <div className="mt-3 border-t border-zinc-200 pt-3 dark:border-zinc-800">
              <CandidatesButton projectId={id} versionId={v.id} />
            </div>
          ) : null}
          <ul className="mt-3 space-y-1 text-sm">
            {v.reviews.map((r) => <li key={r.id}><Badge tone={r.decision === "approve" ? "green" : "red"}>{r.decision}</Badge> {r.reviewer}: {r.comment ?? ""}</li>)}
          </ul>
        </Card>
        <Card>
          <CardTitle>Final metrics</CardTitle>
          <Table>
            <thead><tr><Th>Metric</Th><Th>Value</Th></tr></thead>
            <tbody>{Object.entries(v.metrics).map(([k, x]) => <tr key={k}><Td className="font-mono text-xs">{k}</Td><Td>{Number(x).toPrecision(4)}</Td></tr>)}</tbody>
          </Table>
        </Card>
        <Card>
          <CardTitle>Sample answers</CardTitle>
          {samples.length ? (
            // The shared Markdown view, as labelers see answers: raw HTML shows as the characters it is.
            <ul className="space-y-3" data-testid="version-samples">
              {samples.map((s, i) => (
                <li key={i}>
                  <Markdown className="font-medium">{s.prompt}</Markdown>
                  {s.completion ? <Markdown className="text-zinc-600 dark:text-zinc-400">{s.completion}</Markdown> : <p className="text-sm text-zinc-500">(empty)</p>}
                </li>
              ))}
            </ul>
          ) : <p className="text-sm text-zinc-500">No samples.</p>}
        </Card>
        <Card className="lg:col-span-2">
          <CardTitle>Training curves</CardTitle>
          {v.runId && v.stageId ? <ModelCurves runId={v.runId} stageId={v.stageId} /> : <p className="text-sm text-zinc-500">Not trained here.</p>}
        </Card>
        <Card className="lg:col-span-2">
          <CardTitle>Config</CardTitle>
          <pre className="overflow-auto text-xs">{JSON.stringify(v.config, null, 2)}</pre>
        </Card>
      </div>
    </>
  );
}
