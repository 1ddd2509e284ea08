import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/session";
import { getProject } from "@/lib/server/projects/get-project";
import { listProjectMembers } from "@/lib/server/projects/list-project-members";
import { isAppError } from "@/lib/errors";
import { Badge, Card, CardTitle, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";

export default async function ProjectPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requirePageUser();
  const project = await getProject({ user, projectId: id }).catch((err) => {
    if (isAppError(err) && err.code === "NOT_FOUND") notFound();
    throw err;
  });
  const members = project.permission.canReview ? await listProjectMembers({ projectId: id }) : [];
  return (
    <>
      <PageHeader title={project.name} description={`${project._count.prompts} prompts · ${project._count.tasks} tasks · ${project._count.modelVersions} model versions`} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardTitle>Guidelines</CardTitle>
          <pre className="whitespace-pre-wrap text-sm">{project.guidelines || "No guidelines yet."}</pre>
        </Card>
        {project.permission.canReview ? (
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
