import type { TReviewQueueItem } from "@/lib/schemas/labeling";
import { Badge } from "@/components/ui/card";
import { cn } from "@/lib/utils";
import { CollapsibleMarkdown } from "./markdown";
import { answerLabel } from "./types";

type TResponse = TReviewQueueItem["responses"][number];

/** A submitted ranking as the labeler made it: ordered groups, tied answers side by side in one group. */
export function RankingGroupsView({ groups, responses, flags, scores }: { groups: string[][]; responses: TResponse[]; flags?: Record<string, string[]>; scores?: Record<string, number> }) {
  const index = new Map(responses.map((r, i) => [r.id, i]));
  return (
    <ol className="space-y-2" aria-label="Submitted ranking, best first" data-testid="ranking-view">
      {groups.map((group, gi) => (
        <li key={gi} className={cn("flex gap-2", group.length > 1 && "rounded-xl border-2 border-dashed border-amber-400 p-1.5 dark:border-amber-600")} data-testid="ranking-view-group">
          <span className="mt-2 flex h-7 w-7 shrink-0 items-center justify-center rounded-full bg-zinc-900 text-sm font-semibold text-white dark:bg-zinc-100 dark:text-zinc-900" aria-label={`Rank ${gi + 1}${group.length > 1 ? ", tie" : ""}`}>{gi + 1}</span>
          <ul className="grid min-w-0 flex-1 gap-2">
            {group.map((id) => {
              const i = index.get(id) ?? -1;
              const r = responses[i];
              return (
                <li key={id} className="rounded-lg border border-zinc-200 bg-white p-2.5 dark:border-zinc-800 dark:bg-zinc-900">
                  <div className="mb-1 flex flex-wrap items-center gap-1.5 text-xs">
                    <span className="font-semibold">{i >= 0 ? answerLabel(i) : id}</span>
                    {r ? <Badge>{r.source.toLowerCase()}</Badge> : null}
                    {scores?.[id] ? <Badge tone="blue">quality {scores[id]}/7</Badge> : null}
                    {(flags?.[id] ?? []).map((f) => <Badge key={f} tone="red">⚑ {f.replace(/_/g, " ")}</Badge>)}
                  </div>
                  {r ? <CollapsibleMarkdown maxHeight={160}>{r.text}</CollapsibleMarkdown> : <p className="text-sm text-zinc-500">(answer not found)</p>}
                </li>
              );
            })}
          </ul>
        </li>
      ))}
    </ol>
  );
}
