import { redirect } from "next/navigation";
import { getSessionUser, listOAuthProviders } from "@/lib/auth";
import { countUsers } from "@/lib/server/users/count-users";
import { Card } from "@/components/ui/card";
import { LoginForm } from "@/components/auth/login-form";

export const dynamic = "force-dynamic";

const errors: Record<string, string> = {
  NotInvited: "That account has no access here. Ask an admin for an invitation.",
  CredentialsSignin: "Invalid email or password",
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  if ((await countUsers()) === 0) redirect("/setup");
  if (await getSessionUser()) redirect("/");
  const { callbackUrl, error } = await searchParams;
  const safeCallback = callbackUrl?.startsWith("/") && !callbackUrl.startsWith("//") ? callbackUrl : "/";
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <Card className="w-full max-w-sm">
        <h1 className="mb-4 text-xl font-semibold">Sign in to RLHF Studio</h1>
        <LoginForm providers={listOAuthProviders()} callbackUrl={safeCallback} initialError={error ? errors[error] ?? "Sign-in failed" : undefined} />
      </Card>
    </main>
  );
}
