"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/input";
import { Alert } from "@/components/ui/card";
import { useApi } from "@/components/ui/use-api";

export function ChangePasswordForm() {
  const { call, pending, error, setError } = useApi();
  const [done, setDone] = useState<string>();
  return (
    <form
      className="max-w-sm space-y-4"
      onSubmit={async (e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const f = new FormData(form);
        setDone(undefined);
        if (f.get("newPassword") !== f.get("confirm")) return setError("The new passwords do not match");
        const res = await call<{ endedSessions: number }>("POST", "/api/v1/me/password", {
          currentPassword: String(f.get("currentPassword")),
          newPassword: String(f.get("newPassword")),
        });
        if (res) {
          form.reset();
          setDone(`Password changed. ${res.endedSessions === 1 ? "1 other session was" : `${res.endedSessions} other sessions were`} signed out.`);
        }
      }}
    >
      {error ? <Alert>{error}</Alert> : null}
      {done ? <Alert tone="success">{done}</Alert> : null}
      <Field label="Current password" htmlFor="current-password">
        <Input id="current-password" name="currentPassword" type="password" autoComplete="current-password" required />
      </Field>
      <Field label="New password" htmlFor="new-password" hint="At least 8 characters">
        <Input id="new-password" name="newPassword" type="password" autoComplete="new-password" required minLength={8} />
      </Field>
      <Field label="Confirm new password" htmlFor="confirm-password">
        <Input id="confirm-password" name="confirm" type="password" autoComplete="new-password" required />
      </Field>
      <Button type="submit" disabled={pending}>Change password</Button>
    </form>
  );
}
