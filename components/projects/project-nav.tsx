"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/utils";

export type TProjectNavItem = { segment: string; label: string };

/** Tabs under a project's title; the server decides which the caller's role may see. Scrolls on a phone. */
export function ProjectNav({ projectId, items }: { projectId: string; items: TProjectNavItem[] }) {
  const pathname = usePathname();
  const base = `/projects/${projectId}`;
  return (
    <nav aria-label="Project" className="-mx-4 mb-5 overflow-x-auto border-b border-zinc-200 px-4 dark:border-zinc-800">
      <ul className="flex min-w-max gap-1">
        {items.map((item) => {
          const href = item.segment ? `${base}/${item.segment}` : base;
          const active = item.segment ? pathname.startsWith(href) : pathname === base;
          return (
            <li key={item.segment}>
              <Link
                href={href}
                aria-current={active ? "page" : undefined}
                className={cn(
                  "-mb-px inline-block border-b-2 px-3 py-2 text-sm",
                  active ? "border-brand-600 font-medium text-zinc-900 dark:text-zinc-100" : "border-transparent text-zinc-500 hover:text-zinc-900 dark:hover:text-zinc-100",
                )}
              >
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
