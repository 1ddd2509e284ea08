"use client";
import { useState } from "react";
import { cn } from "@/lib/utils";
import { Markdown } from "./markdown";

/**
 * The project's guidelines beside every task: a sticky side column on wide screens, a folded panel
 * above the task on a phone (open it with the button).
 */
export function GuidelinesPanel({ guidelines, className }: { guidelines?: string | null; className?: string }) {
  const [open, setOpen] = useState(false);
  const text = guidelines?.trim() || "This project has no guidelines yet. Use your best judgement: prefer answers that are correct, helpful, honest and safe.";
  return (
    <aside aria-label="Guidelines" className={cn("self-start rounded-lg border border-zinc-200 bg-zinc-50 p-3 dark:border-zinc-800 dark:bg-zinc-900/60 lg:sticky lg:top-4 lg:max-h-[calc(100vh-2rem)] lg:overflow-y-auto", className)}>
      <button
        type="button"
        className="flex w-full items-center justify-between text-left text-sm font-semibold lg:pointer-events-none"
        aria-expanded={open}
        aria-controls="guidelines-body"
        onClick={() => setOpen((o) => !o)}
      >
        Guidelines
        <span className="text-xs font-normal text-zinc-500 lg:hidden">{open ? "Hide" : "Show"}</span>
      </button>
      <div id="guidelines-body" className={cn("mt-2", open ? "block" : "hidden lg:block")}>
        <Markdown>{text}</Markdown>
      </div>
    </aside>
  );
}
