"use client";
import { SetPasswordForm } from "@/components/auth/set-password-form";

export function AcceptInviteForm({ token, email }: { token: string; email: string }) {
  return (
    <SetPasswordForm endpoint="/api/v1/invites/accept" token={token} email={email} askName
      passwordLabel="Choose a password" submitLabel="Create my account" failure="Could not accept the invitation" />
  );
}
