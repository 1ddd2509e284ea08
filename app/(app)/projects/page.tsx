import Link from "next/link";
import { requirePageUser } from "@/lib/session";
import { listProjects } from "@/lib/server/projects/list-projects";
import { Card, CardTitle, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { CreateProjectForm } from "@/components/projects/create-project-form";

export default async function ProjectsPage() {
  const user = await requirePageUser();
  const projects = await listProjects({ user });
  return (
    <>
      <PageHeader title="Projects" />
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <Table>
            <thead><tr><Th>Name</Th><Th>Prompts</Th><Th>Members</Th><Th>Versions</Th></tr></thead>
            <tbody>
              {projects.map((p) => (
                <tr key={p.id}>
                  <Td><Link className="font-medium underline-offset-2 hover:underline" href={`/projects/${p.id}`}>{p.name}</Link></Td>
                  <Td>{p._count.prompts}</Td><Td>{p._count.members}</Td><Td>{p._count.modelVersions}</Td>
                </tr>
              ))}
              {projects.length === 0 ? <tr><Td colSpan={4} className="text-zinc-500">No projects.</Td></tr> : null}
            </tbody>
          </Table>
        </Card>
        {user.role === "ADMIN" ? (
          <Card><CardTitle>New project</CardTitle><CreateProjectForm /></Card>
        ) : null}
      </div>
    </>
  );
}
