import { PageHeader } from "@/components/ui/card";
import { QualityView } from "@/components/projects/quality-view";
import { requireProjectPage } from "../project-access";

export default async function QualityPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireProjectPage(id, "review");
  return (
    <>
      <PageHeader title="Quality" description="How much labelers agree, how fast they work and how they do on gold items." />
      <QualityView projectId={id} />
    </>
  );
}
