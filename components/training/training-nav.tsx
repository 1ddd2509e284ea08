import Link from "next/link";

// Links between the training pages (until the project navigation carries them).
export function TrainingNav({ projectId }: { projectId: string }) {
  const links = [
    ["Project", `/projects/${projectId}`],
    ["Rounds", `/projects/${projectId}/runs`],
    ["Models", `/projects/${projectId}/models`],
    ["Compare", `/projects/${projectId}/compare`],
    ["Playground", `/projects/${projectId}/playground`],
  ];
  return (
    <nav className="mb-4 flex gap-4 text-sm" aria-label="Training">
      {links.map(([label, href]) => (
        <Link key={href} href={href} className="text-blue-600 hover:underline">{label}</Link>
      ))}
    </nav>
  );
}
