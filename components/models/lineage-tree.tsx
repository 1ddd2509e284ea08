import Link from "next/link";
import type { TModelSummary } from "@/lib/schemas/training";
import { Badge } from "@/components/ui/card";
import { statusTone } from "@/components/training/status-tone";

// The registry as a lineage tree: base -> SFT -> RM / policies (nested lists by parentId).
export function LineageTree({ projectId, versions }: { projectId: string; versions: TModelSummary[] }) {
  const ids = new Set(versions.map((v) => v.id));
  const children = new Map<string | null, TModelSummary[]>();
  for (const v of versions) {
    const parent = v.parentId && ids.has(v.parentId) ? v.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), v]);
  }
  const names = new Map(versions.map((v) => [v.id, v.name]));
  const render = (parent: string | null, depth: number): React.ReactNode => {
    const list = children.get(parent);
    if (!list?.length) return null;
    return (
      <ul className={depth ? "ml-5 border-l border-zinc-300 pl-3 dark:border-zinc-700" : ""}>
        {list.map((v) => (
          <li key={v.id} className="py-1 text-sm">
            <div className="flex flex-wrap items-center gap-2">
              <Link href={`/projects/${projectId}/models/${v.id}`} className="font-mono text-blue-600 underline" data-testid="version-link">{v.name}</Link>
              <Badge>{v.kind}</Badge>
              <Badge tone={statusTone(v.status)}>{v.status.toLowerCase()}</Badge>
              {v.rewardModelId ? <span className="text-xs text-zinc-500">reward: {names.get(v.rewardModelId) ?? v.rewardModelId}</span> : null}
              <span className="text-xs text-zinc-500">
                {Object.entries(v.metrics).filter(([k]) => /loss|accuracy|score|kl/.test(k)).slice(0, 3).map(([k, x]) => `${k} ${Number(x).toFixed(3)}`).join(" · ")}
              </span>
            </div>
            {render(v.id, depth + 1)}
          </li>
        ))}
      </ul>
    );
  };
  return versions.length ? <>{render(null, 0)}</> : <p className="text-sm text-zinc-500">No versions yet: launch a round.</p>;
}
