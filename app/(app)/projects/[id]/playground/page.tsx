import { notFound } from "next/navigation";
import { isAppError } from "@/lib/errors";
import { requirePageUser } from "@/lib/session";
import { listModels } from "@/lib/server/models/list-models";
import { PageHeader } from "@/components/ui/card";
import { Playground } from "@/components/models/playground";

export default async function PlaygroundPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ version?: string }> }) {
  const { id } = await params;
  const { version } = await searchParams;
  const user = await requirePageUser();
  const versions = await listModels({ user, projectId: id }).catch((err) => {
    if (isAppError(err)) notFound();
    throw err;
  });
  const lms = versions.filter((v) => v.kind !== "RM" && v.runId !== null).map((v) => ({ id: v.id, name: v.name, kind: v.kind }));
  return (
    <>
      <PageHeader title="Playground" description="Chat with a version; sampling controls on the right." />
      <Playground versions={lms} initialVersion={version} />
    </>
  );
}
