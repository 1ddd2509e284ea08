"use client";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/input";
import { useApi } from "@/components/ui/use-api";

type TMembership = { projectId: string; role: string; project: { name: string } };

// The projects a user belongs to, with add and remove (admins).
export function MembershipEditor({ userId, email, memberships, projects }: { userId: string; email: string; memberships: TMembership[]; projects: { id: string; name: string }[] }) {
  const { call, pending, error } = useApi();
  const others = projects.filter((p) => !memberships.some((m) => m.projectId === p.id));
  return (
    <div className="space-y-1 text-xs">
      <ul className="flex flex-wrap gap-1">
        {memberships.map((m) => (
          <li key={m.projectId} className="inline-flex items-center gap-1 rounded bg-zinc-100 px-2 py-0.5 dark:bg-zinc-800">
            {m.project.name} <span className="text-zinc-500">({m.role.toLowerCase()})</span>
            <button
              type="button"
              className="ml-1 text-zinc-500 hover:text-red-600"
              aria-label={`Remove ${email} from ${m.project.name}`}
              disabled={pending}
              onClick={() => call("DELETE", `/api/v1/projects/${m.projectId}/members/${userId}`)}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      {others.length > 0 ? (
        <form
          className="flex flex-wrap gap-1"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            void call("POST", `/api/v1/projects/${f.get("projectId")}/members`, { userId, role: f.get("role") });
          }}
        >
          <Select name="projectId" aria-label={`Project to add ${email} to`} className="h-7 w-36 text-xs">
            {others.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </Select>
          <Select name="role" aria-label={`Project role of ${email}`} className="h-7 w-28 text-xs" defaultValue="LABELER">
            <option value="LABELER">labeler</option>
            <option value="REVIEWER">reviewer</option>
          </Select>
          <Button size="sm" variant="outline" className="h-7" disabled={pending}>Add</Button>
        </form>
      ) : null}
      {error ? <p role="alert" className="text-red-600">{error}</p> : null}
    </div>
  );
}
