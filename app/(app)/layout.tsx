import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth";
import { countUsers } from "@/lib/server/users/count-users";
import { Nav, type TNavItem } from "@/components/shell/nav";

export const dynamic = "force-dynamic";

// Every page under (app) needs a signed-in, active user.
export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await getSessionUser();
  if (!user) {
    if ((await countUsers()) === 0) redirect("/setup");
    redirect("/login");
  }
  const items: TNavItem[] = [
    { href: "/", label: "Home" },
    { href: "/projects", label: "Projects" },
    ...(user.role === "ADMIN" ? [{ href: "/admin/users", label: "Users" }] : []),
    { href: "/settings/account", label: "Account" },
    { href: "/settings/tokens", label: "API tokens" },
  ];
  return (
    <>
      <Nav items={items} email={user.email} name={user.name} role={user.role} />
      <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </>
  );
}
