import { redirect } from "next/navigation";
import { countUsers } from "@/lib/server/users/count-users";
import { Card } from "@/components/ui/card";
import { SetupForm } from "@/components/auth/setup-form";
import { setupAdmin } from "./actions";

export const dynamic = "force-dynamic";

// One-time set-up: works only while no user exists.
export default async function SetupPage() {
  if ((await countUsers()) > 0) redirect("/login");
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <Card className="w-full max-w-sm">
        <h1 className="mb-1 text-xl font-semibold">Welcome</h1>
        <p className="mb-4 text-sm text-zinc-500">Create the first admin account. This page works only once.</p>
        <SetupForm action={setupAdmin} />
      </Card>
    </main>
  );
}
