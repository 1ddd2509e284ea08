import Link from "next/link";
import { ZKindParam, type TKindParam } from "@/lib/schemas/labeling";
import { Card, PageHeader } from "@/components/ui/card";
import { FeedbackPanel } from "@/components/labeling/feedback-panel";
import { TaskLoop } from "@/components/labeling/task-loop";
import { requireProjectPage } from "../project-access";

const KINDS: Record<TKindParam, { title: string; text: string }> = {
  ranking: { title: "Rank answers", text: "Order several answers to one prompt from best to worst; ties allowed." },
  pairwise: { title: "Compare two answers", text: "Say which of A and B is better, and by how much." },
  demonstration: { title: "Write a reply", text: "Write the answer the assistant should have given." },
};

export default async function LabelPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ kind?: string }> }) {
  const { id } = await params;
  const { kind: requested } = await searchParams;
  const { user, project } = await requireProjectPage(id, "label");
  const kinds = ((project.taskKinds as string[] | null) ?? ["RANKING"])
    .map((k) => k.toLowerCase())
    .filter((k): k is TKindParam => ZKindParam.safeParse(k).success);
  if (kinds.length === 0) kinds.push("ranking");
  const parsed = ZKindParam.safeParse(requested?.toLowerCase());

  if (!parsed.success && kinds.length > 1) {
    return (
      <>
        <PageHeader title="Label" description="Choose what to work on." />
        <FeedbackPanel projectId={id} userId={user.id} className="mb-4" />
        <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {kinds.map((k) => (
            <li key={k}>
              <Link href={`/projects/${id}/label?kind=${k}`} className="block h-full rounded-lg focus-visible:outline-2">
                <Card className="h-full transition-colors hover:border-brand-500">
                  <p className="font-semibold">{KINDS[k].title}</p>
                  <p className="mt-1 text-sm text-zinc-500">{KINDS[k].text}</p>
                </Card>
              </Link>
            </li>
          ))}
        </ul>
      </>
    );
  }
  const kind: TKindParam = parsed.success ? parsed.data : kinds[0];
  return (
    <>
      <PageHeader title={KINDS[kind].title} description="One task at a time. Drafts are saved as you go; after submitting you can undo for a few seconds." />
      <FeedbackPanel projectId={id} userId={user.id} className="mb-4" />
      <TaskLoop key={kind} projectId={id} kind={kind} kinds={kinds.includes(kind) ? kinds : [...kinds, kind]} guidelines={project.guidelines} />
    </>
  );
}
