"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";

/** Calls our JSON API from a client component; keeps the pending flag and a readable error message. */
export function useApi() {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  async function call<T = unknown>(method: string, url: string, body?: unknown): Promise<T | undefined> {
    setPending(true);
    setError(undefined);
    try {
      const res = await fetch(url, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const data = res.status === 204 ? undefined : await res.json().catch(() => undefined);
      if (!res.ok) {
        const issues = (data as { issues?: { path: string; message: string }[] })?.issues;
        setError(issues?.map((i) => `${i.path}: ${i.message}`).join("; ") ?? (data as { error?: string })?.error ?? `Request failed (${res.status})`);
        return undefined;
      }
      router.refresh();
      return data as T;
    } finally {
      setPending(false);
    }
  }
  return { call, pending, error, setError };
}
