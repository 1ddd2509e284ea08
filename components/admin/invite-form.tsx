"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/input";
import { Alert } from "@/components/ui/card";
import { useApi } from "@/components/ui/use-api";

export function InviteForm({ projects }: { projects: { id: string; name: string }[] }) {
  const { call, pending, error } = useApi();
  const [link, setLink] = useState<string>();
  return (
    <form
      className="space-y-3"
      onSubmit={async (e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        const res = await call<{ url: string }>("POST", "/api/v1/invites", {
          email: String(f.get("email")),
          role: String(f.get("role")),
          projectId: String(f.get("projectId") || "") || undefined,
        });
        if (res) {
          setLink(res.url);
          (e.target as HTMLFormElement).reset();
        }
      }}
    >
      {error ? <Alert>{error}</Alert> : null}
      {link ? (
        <Alert tone="success">
          Send this one-time link to the invitee:
          <Input className="mt-2 font-mono text-xs" readOnly value={link} aria-label="Invitation link" data-testid="invite-link" onFocus={(e) => e.currentTarget.select()} />
        </Alert>
      ) : null}
      <Field label="Email" htmlFor="invite-email"><Input id="invite-email" name="email" type="email" required /></Field>
      <Field label="Role" htmlFor="invite-role">
        <Select id="invite-role" name="role" defaultValue="LABELER">
          <option value="LABELER">Labeler</option>
          <option value="REVIEWER">Reviewer</option>
          <option value="ADMIN">Admin</option>
        </Select>
      </Field>
      <Field label="Project (optional)" htmlFor="invite-project">
        <Select id="invite-project" name="projectId" defaultValue="">
          <option value="">None</option>
          {projects.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
        </Select>
      </Field>
      <Button type="submit" disabled={pending}>Create invitation link</Button>
    </form>
  );
}
