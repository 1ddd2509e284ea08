"use client";
import { useActionState } from "react";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/input";
import { Alert } from "@/components/ui/card";

export function SetupForm({ action }: { action: (prev: unknown, form: FormData) => Promise<{ ok: boolean; error?: string }> }) {
  const [state, formAction, pending] = useActionState(action, { ok: false });
  if (state.ok) {
    return (
      <Alert tone="success">
        The admin account is ready. <Link className="underline" href="/login">Sign in</Link>.
      </Alert>
    );
  }
  return (
    <form action={formAction} className="space-y-4">
      {state.error ? <Alert>{state.error}</Alert> : null}
      <Field label="Your name" htmlFor="name"><Input id="name" name="name" autoComplete="name" /></Field>
      <Field label="Email" htmlFor="email"><Input id="email" name="email" type="email" required /></Field>
      <Field label="Password" htmlFor="password" hint="At least 8 characters">
        <Input id="password" name="password" type="password" autoComplete="new-password" required minLength={8} />
      </Field>
      <Field label="Confirm password" htmlFor="confirm">
        <Input id="confirm" name="confirm" type="password" autoComplete="new-password" required />
      </Field>
      <Button type="submit" className="w-full" disabled={pending}>Create admin account</Button>
    </form>
  );
}
