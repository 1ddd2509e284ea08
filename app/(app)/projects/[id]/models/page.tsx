import { notFound } from "next/navigation";
import { isAppError } from "@/lib/errors";
import { requirePageUser } from "@/lib/session";
import { listModels } from "@/lib/server/models/list-models";
import { Card, CardTitle, PageHeader } from "@/components/ui/card";
import { LineageTree } from "@/components/models/lineage-tree";
import { TrainingNav } from "@/components/training/training-nav";

export default async function ModelsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requirePageUser();
  const versions = await listModels({ user, projectId: id }).catch((err) => {
    if (isAppError(err)) notFound();
    throw err;
  });
  return (
    <>
      <PageHeader title="Model registry" description="Every version with its lineage: base → SFT → reward model → policies." />
      <TrainingNav projectId={id} />
      <Card>
        <CardTitle>Versions</CardTitle>
        <LineageTree projectId={id} versions={versions} />
      </Card>
    </>
  );
}
