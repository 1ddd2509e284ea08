"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { cn } from "@/lib/utils";
import { ThemeToggle } from "./theme-toggle";
import { SignOutButton } from "./sign-out-button";

export type TNavItem = { href: string; label: string };

// Top navigation; the items depend on the role (computed on the server). Collapses to a menu on a phone.
export function Nav({ items, email, role }: { items: TNavItem[]; email: string; role: string }) {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  const active = (href: string) => (href === "/" ? pathname === "/" : pathname.startsWith(href));
  return (
    <header className="border-b border-zinc-200 bg-white/80 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/80">
      <div className="mx-auto flex max-w-6xl items-center gap-4 px-4 py-2">
        <Link href="/" className="font-semibold tracking-tight">RLHF Studio</Link>
        <button
          className="ml-auto rounded p-2 sm:hidden"
          aria-label="Menu"
          aria-expanded={open}
          onClick={() => setOpen((o) => !o)}
        >
          ☰
        </button>
        <nav
          aria-label="Main"
          className={cn("absolute inset-x-0 top-12 z-20 flex-col gap-1 border-b bg-white p-3 dark:bg-zinc-950 sm:static sm:flex sm:flex-row sm:border-0 sm:bg-transparent sm:p-0", open ? "flex" : "hidden")}
        >
          {items.map((item) => (
            <Link
              key={item.href}
              href={item.href}
              onClick={() => setOpen(false)}
              aria-current={active(item.href) ? "page" : undefined}
              className={cn("rounded px-3 py-1.5 text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800", active(item.href) && "bg-zinc-100 font-medium dark:bg-zinc-800")}
            >
              {item.label}
            </Link>
          ))}
        </nav>
        <div className="hidden items-center gap-2 sm:ml-auto sm:flex">
          <span className="text-xs text-zinc-500" data-testid="whoami">{email} · {role.toLowerCase()}</span>
          <ThemeToggle />
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}
