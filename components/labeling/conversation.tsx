import type { TChatMessage } from "@/lib/schemas/labeling";
import { cn } from "@/lib/utils";
import { CollapsibleMarkdown, Markdown } from "./markdown";

const roleName = { system: "System", user: "User", assistant: "Assistant" } as const;

/** The prompt a task is about: a single prompt as one card, a multi-turn conversation as chat bubbles. */
export function PromptView({ prompt, messages }: { prompt: string; messages?: TChatMessage[] | null }) {
  if (!messages || messages.length === 0) {
    return (
      <section aria-label="Prompt" className="rounded-lg border border-zinc-200 bg-zinc-50 p-3 dark:border-zinc-800 dark:bg-zinc-900/60">
        <p className="mb-1 text-xs font-medium uppercase tracking-wide text-zinc-500">Prompt</p>
        <CollapsibleMarkdown label="prompt" maxHeight={360}>{prompt}</CollapsibleMarkdown>
      </section>
    );
  }
  return (
    <section aria-label="Conversation" className="space-y-2">
      <p className="text-xs font-medium uppercase tracking-wide text-zinc-500">Conversation ({messages.length} turns)</p>
      <ol className="space-y-2">
        {messages.map((m, i) => (
          <li key={i} className={cn("flex", m.role === "user" ? "justify-end" : "justify-start")}>
            <div
              className={cn(
                "max-w-[92%] rounded-2xl px-3 py-2 sm:max-w-[80%]",
                m.role === "user" && "rounded-br-sm bg-brand-600 text-white [&_.md-body_a]:text-white",
                m.role === "assistant" && "rounded-bl-sm border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900",
                m.role === "system" && "w-full max-w-full border border-dashed border-zinc-300 bg-zinc-50 text-zinc-600 dark:border-zinc-700 dark:bg-zinc-900/60 dark:text-zinc-400",
              )}
            >
              <p className={cn("mb-0.5 text-[11px] font-medium uppercase tracking-wide", m.role === "user" ? "text-white/80" : "text-zinc-500")}>
                {roleName[m.role]}
              </p>
              {i === messages.length - 1 ? <Markdown>{m.content}</Markdown> : <CollapsibleMarkdown label="turn" maxHeight={200}>{m.content}</CollapsibleMarkdown>}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
