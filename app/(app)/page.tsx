import Link from "next/link";
import { requirePageUser } from "@/lib/session";
import { listProjects } from "@/lib/server/projects/list-projects";
import { Card, PageHeader } from "@/components/ui/card";

export default async function HomePage() {
  const user = await requirePageUser();
  const projects = await listProjects({ user });
  return (
    <>
      <PageHeader title={`Hello${user.name ? `, ${user.name}` : ""}`} description="Your projects" />
      {projects.length === 0 ? (
        <Card>
          {user.role === "ADMIN" ? (
            <p className="text-sm">No projects yet. <Link className="underline" href="/projects">Create the first one</Link>, then <Link className="underline" href="/admin/users">invite labelers</Link>.</p>
          ) : (
            <p className="text-sm">You are not in any project yet. An admin will add you.</p>
          )}
        </Card>
      ) : (
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {projects.map((p) => (
            <Link key={p.id} href={`/projects/${p.id}`}>
              <Card className="hover:border-brand-500">
                <h2 className="font-semibold">{p.name}</h2>
                <p className="mt-1 text-xs text-zinc-500">{p._count.prompts} prompts · {p._count.members} members · {p._count.modelVersions} model versions</p>
              </Card>
            </Link>
          ))}
        </div>
      )}
    </>
  );
}
