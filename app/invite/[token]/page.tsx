import Link from "next/link";
import { getOpenInvite } from "@/lib/server/invites/get-invite";
import { Alert, Card } from "@/components/ui/card";
import { AcceptInviteForm } from "@/components/auth/accept-invite-form";

export const dynamic = "force-dynamic";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invite = await getOpenInvite(token);
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <Card className="w-full max-w-sm">
        <h1 className="mb-1 text-xl font-semibold">Join RLHF Studio</h1>
        {invite ? (
          <>
            <p className="mb-4 text-sm text-zinc-500">
              You are invited as {invite.role.toLowerCase()}
              {invite.project ? <> to the project <strong>{invite.project.name}</strong></> : null}.
            </p>
            <AcceptInviteForm token={token} email={invite.email} />
          </>
        ) : (
          <Alert>
            This invitation is invalid, already used or expired. Ask an admin for a new one, or <Link className="underline" href="/login">sign in</Link>.
          </Alert>
        )}
      </Card>
    </main>
  );
}
