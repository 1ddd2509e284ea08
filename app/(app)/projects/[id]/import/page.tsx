import { PageHeader } from "@/components/ui/card";
import { ImportForm } from "@/components/projects/import-form";
import { requireProjectPage } from "../project-access";

export default async function ImportPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireProjectPage(id, "manage");
  return (
    <>
      <PageHeader
        title="Import prompts"
        description={
          <>
            One prompt per line (JSONL) or row (CSV with a header). JSONL lines look like{" "}
            <code className="text-xs">{'{"prompt": "...", "responses": ["...", "..."]}'}</code>; multi-turn{" "}
            <code className="text-xs">{'{"messages": [...]}'}</code>, TRL <code className="text-xs">prompt/completion</code> and{" "}
            <code className="text-xs">prompt/chosen/rejected</code> files work as they are.
          </>
        }
      />
      <ImportForm projectId={id} />
    </>
  );
}
