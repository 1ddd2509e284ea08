"use client";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/input";
import { useApi } from "@/components/ui/use-api";

export function UserRowActions({ user, isSelf }: { user: { id: string; email: string; role: string; active: boolean }; isSelf: boolean }) {
  const { call, pending, error } = useApi();
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
      <Button
        size="sm"
        variant={user.active ? "outline" : "secondary"}
        disabled={pending || isSelf}
        onClick={() => call("PATCH", `/api/v1/users/${user.id}`, { active: !user.active })}
      >
        {user.active ? "Deactivate" : "Reactivate"}
      </Button>
      {error ? <span role="alert" className="text-xs text-red-600">{error}</span> : null}
    </div>
  );
}
