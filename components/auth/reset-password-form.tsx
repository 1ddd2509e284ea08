"use client";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/input";
import { Alert } from "@/components/ui/card";

export function ResetPasswordForm({ token, email }: { token: string; email: string }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  return (
    <form
      className="space-y-4"
      onSubmit={async (e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const password = String(form.get("password"));
        if (password !== form.get("confirm")) return setError("The passwords do not match");
        setPending(true);
        setError(undefined);
        const res = await fetch("/api/v1/password-resets/accept", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ token, password }),
        });
        if (!res.ok) {
          const body = await res.json().catch(() => ({}));
          setPending(false);
          return setError(body.issues?.map((i: { path: string; message: string }) => `${i.path}: ${i.message}`).join("; ") ?? body.error ?? "Could not set the password");
        }
        const signedIn = await signIn("credentials", { email, password, redirect: false });
        router.push(signedIn?.ok ? "/" : "/login");
        router.refresh();
      }}
    >
      {error ? <Alert>{error}</Alert> : null}
      <Field label="Email" htmlFor="email"><Input id="email" value={email} disabled readOnly /></Field>
      <Field label="New password" htmlFor="password" hint="At least 8 characters">
        <Input id="password" name="password" type="password" autoComplete="new-password" required minLength={8} />
      </Field>
      <Field label="Confirm password" htmlFor="confirm">
        <Input id="confirm" name="confirm" type="password" autoComplete="new-password" required />
      </Field>
      <Button type="submit" className="w-full" disabled={pending}>Set new password</Button>
    </form>
  );
}
