import { PageHeader, Card } from "@/components/ui/card";
import { ProjectSettingsForm } from "@/components/projects/project-settings-form";
import type { TTaskKind } from "@/lib/schemas/projects";
import { requireProjectPage } from "../project-access";

// Project settings (admins): every setting of the New project form, changed with a warning when open tasks are affected.
export default async function ProjectSettingsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { project } = await requireProjectPage(id, "manage");
  return (
    <>
      <PageHeader title="Settings" description="Changes apply to new tasks; before saving you are told what happens to open ones." />
      <Card className="max-w-2xl">
        <ProjectSettingsForm
          projectId={id}
          initial={{
            name: project.name,
            guidelines: project.guidelines,
            responsesPerTask: project.responsesPerTask,
            labelsPerItem: project.labelsPerItem,
            taskKinds: project.taskKinds as TTaskKind[],
            flags: project.flags,
            leaseMinutes: project.leaseMinutes,
            reviewRequired: project.reviewRequired,
          }}
        />
      </Card>
    </>
  );
}
