"use client";
import { ProjectSettingsForm } from "./project-settings-form";

// The New project form: every setting a project has (task kinds, K, labels per item, flags, lease, review policy).
export function CreateProjectForm() {
  return <ProjectSettingsForm />;
}
