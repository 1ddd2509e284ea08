import Link from "next/link";
import { listProjectMembers } from "@/lib/server/projects/list-project-members";
import { Badge, Card, CardTitle, PageHeader } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { Table, Td, Th } from "@/components/ui/table";
import { Markdown } from "@/components/labeling/markdown";
import { loadProject } from "./project-access";

export default async function ProjectPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { project } = await loadProject(id);
  const { canReview, canManage } = project.permission;
  const members = canReview ? await listProjectMembers({ projectId: id }) : [];
  const kinds = ((project.taskKinds as string[] | null) ?? []).map((k) => k.toLowerCase());
  const counts: { label: string; value: number; href?: string }[] = [
    { label: "Prompts", value: project._count.prompts, href: canManage ? `/projects/${id}/import` : undefined },
    { label: "Tasks", value: project._count.tasks, href: `/projects/${id}/label` },
    { label: "Members", value: project._count.members },
    { label: "Snapshots", value: project._count.snapshots, href: canManage ? `/projects/${id}/snapshots` : undefined },
    { label: "Model versions", value: project._count.modelVersions },
  ];
  return (
    <>
      <PageHeader
        title={project.name}
        description={`${kinds.join(", ") || "no task kinds"} · ${project.responsesPerTask} answers per ranking · ${project.labelsPerItem} label${project.labelsPerItem === 1 ? "" : "s"} per item · ${project.reviewRequired ? "labels need review before training" : "labels accepted without review"}`}
        actions={
          <>
            <Button asChild><Link href={`/projects/${id}/label`}>Start labeling</Link></Button>
            {canReview ? <Button asChild variant="outline"><Link href={`/projects/${id}/review`}>Review queue</Link></Button> : null}
            {canManage ? <Button asChild variant="outline"><Link href={`/projects/${id}/import`}>Import</Link></Button> : null}
            {canManage ? <Button asChild variant="outline"><Link href={`/projects/${id}/settings`}>Settings</Link></Button> : null}
          </>
        }
      />
      <dl className="mb-6 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5" data-testid="project-counts">
        {counts.map((c) => (
          <Card key={c.label} className="p-3">
            <dt className="text-xs text-zinc-500">{c.label}</dt>
            <dd className="text-2xl font-semibold tabular-nums">
              {c.href ? <Link href={c.href} className="hover:underline">{c.value}</Link> : c.value}
            </dd>
          </Card>
        ))}
      </dl>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardTitle>Guidelines</CardTitle>
          {project.guidelines ? <Markdown>{project.guidelines}</Markdown> : <p className="text-sm text-zinc-500">No guidelines yet.</p>}
          {project.flags.length ? (
            <p className="mt-3 flex flex-wrap gap-1 text-xs text-zinc-500">Flags labelers can set: {project.flags.map((f) => <Badge key={f}>{f.replace(/_/g, " ")}</Badge>)}</p>
          ) : null}
        </Card>
        {canReview ? (
          <Card>
            <CardTitle>Members</CardTitle>
            <Table>
              <thead><tr><Th>Email</Th><Th>Role here</Th></tr></thead>
              <tbody>
                {members.map((m) => (
                  <tr key={m.user.id}><Td>{m.user.email}</Td><Td><Badge>{m.role.toLowerCase()}</Badge></Td></tr>
                ))}
                {members.length === 0 ? <tr><Td colSpan={2} className="text-zinc-500">No members yet.</Td></tr> : null}
              </tbody>
            </Table>
          </Card>
        ) : null}
      </div>
    </>
  );
}
