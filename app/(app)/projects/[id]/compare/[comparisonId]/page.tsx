import { notFound } from "next/navigation";
import { db } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { requireProjectAccess } from "@/lib/permissions";
import { requirePageUser } from "@/lib/session";
import { PageHeader } from "@/components/ui/card";
import { BlindVote } from "@/components/models/blind-vote";

export default async function BlindVotePage({ params }: { params: Promise<{ id: string; comparisonId: string }> }) {
  const { id, comparisonId } = await params;
  const user = await requirePageUser();
  await requireProjectAccess(user, id, "review").catch((err) => {
    if (isAppError(err)) notFound();
    throw err;
  });
  const c = await db.comparison.findFirst({ where: { id: comparisonId, projectId: id }, select: { status: true } });
  if (!c) notFound();
  return (
    <>
      <PageHeader title="Blind comparison" description={c.status === "generating" ? "The worker is still writing the answers; reload in a moment." : "Which answer is better? The versions are hidden and the sides shuffled."} />
      <BlindVote comparisonId={comparisonId} />
    </>
  );
}
