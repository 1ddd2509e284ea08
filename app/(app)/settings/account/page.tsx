import { getSessionId } from "@/lib/auth";
import { requirePageUser } from "@/lib/session";
import { listAuthSessions } from "@/lib/server/auth/list-auth-sessions";
import { Badge, Card, CardTitle, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { ChangePasswordForm } from "@/components/auth/change-password-form";

export default async function AccountPage() {
  const user = await requirePageUser();
  const sessions = await listAuthSessions({ userId: user.id, currentSessionId: await getSessionId() });
  return (
    <>
      <PageHeader title="Account" description={`Signed in as ${user.email}.`} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardTitle>Change password</CardTitle>
          <p className="mb-4 text-sm text-zinc-500">Your other signed-in browsers are signed out; this one stays signed in.</p>
          <ChangePasswordForm />
        </Card>
        <Card>
          <CardTitle>Signed-in browsers</CardTitle>
          <Table>
            <thead><tr><Th>Since</Th><Th>Address</Th><Th>Browser</Th></tr></thead>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.id}>
                  <Td className="whitespace-nowrap">{s.createdAt.toISOString().slice(0, 16).replace("T", " ")} {s.current ? <Badge tone="green">this one</Badge> : null}</Td>
                  <Td className="font-mono text-xs">{s.ip ?? "unknown"}</Td>
                  <Td className="max-w-48 truncate text-xs text-zinc-500" title={s.userAgent ?? undefined}>{s.userAgent ?? "unknown"}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      </div>
    </>
  );
}
