import { PageHeader } from "@/components/ui/card";
import { SnapshotsPanel } from "@/components/projects/snapshots-panel";
import { requireProjectPage } from "../project-access";

export default async function SnapshotsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireProjectPage(id, "review");
  return (
    <>
      <PageHeader title="Snapshots" description="Frozen, hashed copies of the accepted labels, and their export for TRL and OpenRLHF." />
      <SnapshotsPanel projectId={id} />
    </>
  );
}
