"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { cn } from "@/lib/utils";
import { ThemeToggle } from "./theme-toggle";
import { SignOutButton } from "./sign-out-button";

export type TNavItem = { href: string; label: string };

// Top navigation; the items depend on the role (computed on the server). On a phone everything, the
// account, dark mode and sign-out included, folds into one menu behind the ☰ button.
export function Nav({ items, email, name, role }: { items: TNavItem[]; email: string; name?: string | null; role: string }) {
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
          aria-controls="main-menu"
          onClick={() => setOpen((o) => !o)}
        >
          ☰
        </button>
        <div
          id="main-menu"
          onKeyDown={(e) => e.key === "Escape" && setOpen(false)}
          className={cn(
            "absolute inset-x-0 top-12 z-20 flex-col gap-2 border-b bg-white p-3 dark:bg-zinc-950",
            "sm:static sm:flex sm:flex-1 sm:flex-row sm:items-center sm:gap-4 sm:border-0 sm:bg-transparent sm:p-0",
            open ? "flex" : "hidden",
          )}
        >
          <nav aria-label="Main" className="flex flex-col gap-1 sm:flex-row">
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
          <div className="flex flex-wrap items-center gap-2 border-t border-zinc-200 px-3 pt-2 dark:border-zinc-800 sm:ml-auto sm:border-0 sm:px-0 sm:pt-0">
            <span className="mr-auto text-xs text-zinc-500 sm:mr-0" data-testid="whoami">
              {name ? `${name} · ` : ""}{email} · {role.toLowerCase()}
            </span>
            <ThemeToggle />
            <SignOutButton />
          </div>
        </div>
      </div>
    </header>
  );
}
