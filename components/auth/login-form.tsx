"use client";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/input";
import { Alert } from "@/components/ui/card";

export function LoginForm({ providers, callbackUrl, initialError }: { providers: { id: string; name: string }[]; callbackUrl: string; initialError?: string }) {
  const router = useRouter();
  const [error, setError] = useState(initialError);
  const [pending, setPending] = useState(false);
  return (
    <div className="space-y-4">
      <form
        className="space-y-4"
        onSubmit={async (e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          setPending(true);
          setError(undefined);
          const res = await signIn("credentials", {
            email: String(form.get("email")),
            password: String(form.get("password")),
            redirect: false,
          });
          setPending(false);
          if (!res || res.error) setError(res?.error && res.error !== "CredentialsSignin" ? res.error : "Invalid email or password");
          else {
            router.push(callbackUrl);
            router.refresh();
          }
        }}
      >
        {error ? <Alert>{error}</Alert> : null}
        <Field label="Email" htmlFor="email">
          <Input id="email" name="email" type="email" autoComplete="email" required autoFocus />
        </Field>
        <Field label="Password" htmlFor="password">
          <Input id="password" name="password" type="password" autoComplete="current-password" required />
        </Field>
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
      {providers.map((p) => (
        <Button key={p.id} variant="outline" className="w-full" onClick={() => signIn(p.id, { callbackUrl })}>
          Sign in with {p.name}
        </Button>
      ))}
    </div>
  );
}
