"use client";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/input";
import { Alert } from "@/components/ui/card";

// One form for the two one-time links that end in a password: accepting an invitation (POST
// /api/v1/invites/accept, with an optional name) and a reset link (POST /api/v1/password-resets/accept).
// On success it signs the person in with the new password.
export function SetPasswordForm(props: {
  endpoint: "/api/v1/invites/accept" | "/api/v1/password-resets/accept";
  token: string;
  email: string;
  askName?: boolean;
  passwordLabel: string;
  submitLabel: string;
  failure: string;
}) {
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
        const name = props.askName ? String(form.get("name") || "") || undefined : undefined;
        const res = await fetch(props.endpoint, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ token: props.token, password, ...(name ? { name } : {}) }),
        });
        if (!res.ok) {
          const body = await res.json().catch(() => ({}));
          setPending(false);
          return setError(body.issues?.map((i: { path: string; message: string }) => `${i.path}: ${i.message}`).join("; ") ?? body.error ?? props.failure);
        }
        const signedIn = await signIn("credentials", { email: props.email, password, redirect: false });
        router.push(signedIn?.ok ? "/" : "/login");
        router.refresh();
      }}
    >
      {error ? <Alert>{error}</Alert> : null}
      <Field label="Email" htmlFor="email"><Input id="email" value={props.email} disabled readOnly /></Field>
      {props.askName ? <Field label="Your name" htmlFor="name"><Input id="name" name="name" autoComplete="name" /></Field> : null}
      <Field label={props.passwordLabel} htmlFor="password" hint="At least 8 characters">
        <Input id="password" name="password" type="password" autoComplete="new-password" required minLength={8} />
      </Field>
      <Field label="Confirm password" htmlFor="confirm">
        <Input id="confirm" name="confirm" type="password" autoComplete="new-password" required />
      </Field>
      <Button type="submit" className="w-full" disabled={pending}>{props.submitLabel}</Button>
    </form>
  );
}
