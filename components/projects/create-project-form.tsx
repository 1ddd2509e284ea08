"use client";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { Field, Input, Textarea } from "@/components/ui/input";
import { Alert } from "@/components/ui/card";
import { useApi } from "@/components/ui/use-api";

export function CreateProjectForm() {
  const router = useRouter();
  const { call, pending, error } = useApi();
  return (
    <form
      className="space-y-3"
      onSubmit={async (e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        const created = await call<{ id: string }>("POST", "/api/v1/projects", {
          name: String(f.get("name")),
          guidelines: String(f.get("guidelines") ?? ""),
          responsesPerTask: Number(f.get("responsesPerTask")),
          labelsPerItem: Number(f.get("labelsPerItem")),
        });
        if (created) router.push(`/projects/${created.id}`);
      }}
    >
      {error ? <Alert>{error}</Alert> : null}
      <Field label="Name" htmlFor="name"><Input id="name" name="name" required /></Field>
      <Field label="Guidelines (markdown)" htmlFor="guidelines"><Textarea id="guidelines" name="guidelines" /></Field>
      <div className="grid grid-cols-2 gap-3">
        <Field label="Responses per ranking (2-9)" htmlFor="responsesPerTask"><Input id="responsesPerTask" name="responsesPerTask" type="number" min={2} max={9} defaultValue={4} /></Field>
        <Field label="Labels per item" htmlFor="labelsPerItem"><Input id="labelsPerItem" name="labelsPerItem" type="number" min={1} max={20} defaultValue={1} /></Field>
      </div>
      <Button type="submit" disabled={pending}>Create project</Button>
    </form>
  );
}
