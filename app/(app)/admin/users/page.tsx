import { requirePageUser } from "@/lib/session";
import { listUsers } from "@/lib/server/users/list-users";
import { listInvites } from "@/lib/server/invites/list-invites";
import { listProjects } from "@/lib/server/projects/list-projects";
import { Badge, Card, CardTitle, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { InviteForm } from "@/components/admin/invite-form";
import { UserRowActions } from "@/components/admin/user-row-actions";
import { MembershipEditor } from "@/components/admin/membership-editor";

export default async function UsersPage() {
  const me = await requirePageUser("ADMIN");
  const [users, invites, projects] = await Promise.all([listUsers(), listInvites(), listProjects({ user: me })]);
  const inviteState = (i: (typeof invites)[number]) =>
    i.acceptedAt ? <Badge tone="green">accepted</Badge> : i.revokedAt ? <Badge>revoked</Badge> : i.expiresAt < new Date() ? <Badge tone="amber">expired</Badge> : <Badge tone="blue">open</Badge>;
  return (
    <>
      <PageHeader title="Users" description="Invite people, set their roles, deactivate accounts." />
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardTitle>Accounts</CardTitle>
          <Table>
            <thead><tr><Th>Email</Th><Th>Projects</Th><Th>Status</Th><Th>Role and access</Th></tr></thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id} data-testid={`user-${u.email}`}>
                  <Td><div className="font-medium">{u.email}</div><div className="text-xs text-zinc-500">{u.name}</div></Td>
                  <Td><MembershipEditor userId={u.id} email={u.email} memberships={u.memberships} projects={projects.map((p) => ({ id: p.id, name: p.name }))} /></Td>
                  <Td>{u.active ? <Badge tone="green">active</Badge> : <Badge tone="red">deactivated</Badge>}</Td>
                  <Td><UserRowActions user={u} isSelf={u.id === me.id} /></Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
        <Card>
          <CardTitle>Invite someone</CardTitle>
          <InviteForm projects={projects.map((p) => ({ id: p.id, name: p.name }))} />
        </Card>
        <Card className="lg:col-span-3">
          <CardTitle>Invitations</CardTitle>
          <Table>
            <thead><tr><Th>Email</Th><Th>Role</Th><Th>Project</Th><Th>Expires</Th><Th>State</Th></tr></thead>
            <tbody>
              {invites.map((i) => (
                <tr key={i.id}>
                  <Td>{i.email}</Td><Td>{i.role.toLowerCase()}</Td><Td>{i.project?.name ?? "—"}</Td>
                  <Td>{i.expiresAt.toISOString().slice(0, 10)}</Td><Td>{inviteState(i)}</Td>
                </tr>
              ))}
              {invites.length === 0 ? <tr><Td colSpan={5} className="text-zinc-500">No invitations yet.</Td></tr> : null}
            </tbody>
          </Table>
        </Card>
      </div>
    </>
  );
}
