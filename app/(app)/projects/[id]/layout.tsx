import { ProjectNav, type TProjectNavItem } from "@/components/projects/project-nav";
import { loadProject } from "./project-access";

// Sub-navigation of a project. Labelers see Overview and Label; reviewers also quality, review,
// snapshots, runs and the model registry; admins everything. Each page checks the right again (layouts and pages render in parallel).
export default async function ProjectLayout({ children, params }: { children: React.ReactNode; params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { project } = await loadProject(id);
  const { canLabel, canReview, canManage } = project.permission;
  const items: TProjectNavItem[] = [
    { segment: "", label: "Overview" },
    ...(canLabel ? [{ segment: "label", label: "Label" }] : []),
    ...(canManage ? [{ segment: "import", label: "Import" }] : []),
    ...(canReview ? [{ segment: "quality", label: "Quality" }, { segment: "review", label: "Review" }, { segment: "snapshots", label: "Snapshots" }] : []),
    // Training and the model registry: reviewers and admins (model versions stay hidden from labelers).
    ...(canReview
      ? [
          { segment: "runs", label: "Runs" },
          { segment: "models", label: "Models" },
          { segment: "compare", label: "Compare" },
          { segment: "playground", label: "Playground" },
        ]
      : []),
    ...(canManage ? [{ segment: "settings", label: "Settings" }] : []),
  ];
  return (
    <>
      <p className="mb-1 text-xs text-zinc-500">Project · <span className="font-medium text-zinc-700 dark:text-zinc-300">{project.name}</span></p>
      <ProjectNav projectId={id} items={items} />
      {children}
    </>
  );
}
