"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { Input, Select } from "@/components/ui/input";
import { useApi } from "@/components/ui/use-api";

export function UserRowActions({ user, isSelf }: { user: { id: string; email: string; role: string; active: boolean }; isSelf: boolean }) {
  const { call, pending, error } = useApi();
  const [resetLink, setResetLink] = useState<string>();
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Select
        aria-label={`Role of ${user.email}`}
        className="h-8 w-32"
        defaultValue={user.role}
        disabled={pending || isSelf}
        onChange={(e) => call("PATCH", `/api/v1/users/${user.id}`, { role: e.target.value })}
      >
        <option value="LABELER">Labeler</option>
        <option value="REVIEWER">Reviewer</option>
        <option value="ADMIN">Admin</option>
      </Select>
      {user.active ? (
        <ConfirmButton
          size="sm"
          variant="outline"
          disabled={pending || isSelf}
          title={`Deactivate ${user.email}?`}
          description="They are signed out everywhere and can no longer sign in or use their API tokens. Their labels stay. You can reactivate the account later."
          confirmLabel="Deactivate"
          onConfirm={() => call("PATCH", `/api/v1/users/${user.id}`, { active: false })}
        >
          Deactivate
        </ConfirmButton>
      ) : (
        <Button size="sm" variant="secondary" disabled={pending || isSelf} onClick={() => call("PATCH", `/api/v1/users/${user.id}`, { active: true })}>
          Reactivate
        </Button>
      )}
      {user.active ? (
        <ConfirmButton
          size="sm"
          variant="outline"
          disabled={pending}
          title={`Create a password reset link for ${user.email}?`}
          description="The link lets whoever opens it set a new password for this account, once, within 24 hours; setting it signs the account out everywhere. An earlier link stops working. The link is shown only once: pass it on privately."
          confirmLabel="Create link"
          confirmVariant="default"
          onConfirm={async () => {
            const res = await call<{ url: string }>("POST", `/api/v1/users/${user.id}/password-reset`);
            if (res) setResetLink(res.url);
          }}
        >
          Reset link
        </ConfirmButton>
      ) : null}
      {resetLink ? (
        <Input
          className="h-8 w-full font-mono text-xs"
          readOnly
          value={resetLink}
          aria-label={`Password reset link for ${user.email}`}
          data-testid="reset-link"
          onFocus={(e) => e.currentTarget.select()}
        />
      ) : null}
      {error ? <span role="alert" className="text-xs text-red-600">{error}</span> : null}
    </div>
  );
}
