"use client";
import { SetPasswordForm } from "@/components/auth/set-password-form";

export function ResetPasswordForm({ token, email }: { token: string; email: string }) {
  return (
    <SetPasswordForm endpoint="/api/v1/password-resets/accept" token={token} email={email}
      passwordLabel="New password" submitLabel="Set new password" failure="Could not set the password" />
  );
}
