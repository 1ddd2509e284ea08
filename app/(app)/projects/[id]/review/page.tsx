import { PageHeader } from "@/components/ui/card";
import { ReviewQueue } from "@/components/projects/review-queue";
import { requireProjectPage } from "../project-access";

export default async function ReviewPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireProjectPage(id, "review");
  return (
    <>
      <PageHeader title="Review" description="Labels that failed a gold check or disagree with other labelers come first. Rejected labels never reach training data." />
      <ReviewQueue projectId={id} />
    </>
  );
}
