import Link from "next/link";
import { getOpenPasswordReset } from "@/lib/server/users/get-password-reset";
import { Alert, Card } from "@/components/ui/card";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";

export const dynamic = "force-dynamic";

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const reset = await getOpenPasswordReset(token);
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <Card className="w-full max-w-sm">
        <h1 className="mb-1 text-xl font-semibold">Set a new password</h1>
        {reset ? (
          <>
            <p className="mb-4 text-sm text-zinc-500">Every browser signed in to this account will be signed out.</p>
            <ResetPasswordForm token={token} email={reset.user.email} />
          </>
        ) : (
          <Alert>
            This link is invalid, already used or expired. Ask an admin for a new one, or <Link className="underline" href="/login">sign in</Link>.
          </Alert>
        )}
      </Card>
    </main>
  );
}
