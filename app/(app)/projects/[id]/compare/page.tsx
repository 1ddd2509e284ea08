import Link from "next/link";
import { notFound } from "next/navigation";
import { isAppError } from "@/lib/errors";
import { requirePageUser } from "@/lib/session";
import { listModels } from "@/lib/server/models/list-models";
import { listComparisons } from "@/lib/server/comparisons/list-comparisons";
import { getLeaderboard } from "@/lib/server/comparisons/get-leaderboard";
import { Badge, Card, CardTitle, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { SideBySide } from "@/components/models/side-by-side";
import { CreateComparisonForm } from "@/components/models/create-comparison-form";

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
const interval = (ci: { low: number; high: number }) => `${pct(ci.low)} – ${pct(ci.high)}`;

/** A win rate's 95% interval, or, when it contains 50%, that it cannot decide yet. */
function Verdict({ ci, undecided }: { ci: { low: number; high: number } | null; undecided: boolean }) {
  if (!ci) return <>—</>;
  if (undecided) return <span data-testid="undecided"><Badge tone="amber">not enough votes to decide</Badge> <span className="text-zinc-500">{interval(ci)}</span></span>;
  return <>{interval(ci)}</>;
}

export default async function ComparePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requirePageUser();
  const [versions, comparisons, board] = await Promise.all([
    listModels({ user, projectId: id }),
    listComparisons({ user, projectId: id }),
    getLeaderboard({ user, projectId: id }),
  ]).catch((err) => {
    if (isAppError(err)) notFound();
    throw err;
  });
  return (
    <>
      <PageHeader title="Compare versions" description="Side by side on your prompts, blind A/B votes, and the leaderboard." />
      <div className="space-y-6">
        <Card>
          <CardTitle>Side by side</CardTitle>
          <SideBySide projectId={id} versions={versions.map((v) => ({ id: v.id, name: v.name, kind: v.kind, status: v.status }))} />
        </Card>
        <Card>
          <CardTitle>New blind comparison</CardTitle>
          <CreateComparisonForm projectId={id} versions={versions.map((v) => ({ id: v.id, name: v.name, kind: v.kind, status: v.status }))} />
        </Card>
        <Card>
          <CardTitle>Leaderboard</CardTitle>
          <Table>
            <thead><tr><Th>Version</Th><Th>Rating (Bradley-Terry)</Th><Th>Win rate</Th><Th>95% CI (Wilson)</Th><Th>W / L / T</Th><Th>Both bad</Th></tr></thead>
            <tbody>
              {board.items.map((r) => (
                <tr key={r.versionId}>
                  <Td><Link className="text-blue-600 underline" href={`/projects/${id}/models/${r.versionId}`}>{r.name}</Link> <Badge>{r.status.toLowerCase()}</Badge></Td>
                  <Td>{r.rating.toFixed(0)}</Td>
                  <Td>{r.winRate === null ? "—" : pct(r.winRate)}</Td>
                  <Td><Verdict ci={r.winRateCi} undecided={r.undecided} /></Td>
                  <Td>{r.wins} / {r.losses} / {r.ties}</Td>
                  <Td>{r.bothBad}</Td>
                </tr>
              ))}
              {board.items.length === 0 ? <tr><Td colSpan={6} className="text-zinc-500">No votes yet.</Td></tr> : null}
            </tbody>
          </Table>
        </Card>
        <Card>
          <CardTitle>Blind comparisons</CardTitle>
          <Table>
            <thead><tr><Th>Started</Th><Th>A vs B</Th><Th>Status</Th><Th>Items</Th><Th>Votes</Th><Th>A&apos;s win rate (95% CI)</Th><Th></Th></tr></thead>
            <tbody>
              {comparisons.items.map((c) => (
                <tr key={c.id}>
                  <Td>{c.createdAt.slice(0, 16).replace("T", " ")}</Td>
                  <Td>{c.versionA.name} vs {c.versionB.name}</Td>
                  <Td><Badge>{c.status}</Badge></Td>
                  <Td>{c.items}</Td>
                  <Td>{c.votes}</Td>
                  <Td>{c.winRateA === null ? "—" : pct(c.winRateA)} <Verdict ci={c.winRateACi} undecided={c.undecided} /></Td>
                  <Td><Link className="text-blue-600 underline" href={`/projects/${id}/compare/${c.id}`}>Vote</Link></Td>
                </tr>
              ))}
              {comparisons.items.length === 0 ? <tr><Td colSpan={7} className="text-zinc-500">None yet.</Td></tr> : null}
            </tbody>
          </Table>
        </Card>
      </div>
    </>
  );
}
