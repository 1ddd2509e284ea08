"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/input";
import { Alert, Badge } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { useApi } from "@/components/ui/use-api";

type TToken = { id: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };

export function TokensPanel({ tokens }: { tokens: TToken[] }) {
  const { call, pending, error } = useApi();
  const [created, setCreated] = useState<string>();
  return (
    <div className="space-y-6">
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={async (e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const res = await call<{ token: string }>("POST", "/api/v1/tokens", { name: String(f.get("name")) });
          if (res) setCreated(res.token);
        }}
      >
        <div className="min-w-56 flex-1">
          <Field label="Token name" htmlFor="token-name"><Input id="token-name" name="name" placeholder="e.g. labeling script" required /></Field>
        </div>
        <Button type="submit" disabled={pending}>Create token</Button>
      </form>
      {error ? <Alert>{error}</Alert> : null}
      {created ? (
        <Alert tone="success">
          Copy this token now: it is shown only once. Send it as <code>Authorization: Bearer …</code>.
          <Input className="mt-2 font-mono text-xs" readOnly value={created} aria-label="New API token" data-testid="new-token" onFocus={(e) => e.currentTarget.select()} />
        </Alert>
      ) : null}
      <Table>
        <thead><tr><Th>Name</Th><Th>Token</Th><Th>Created</Th><Th>Last used</Th><Th /></tr></thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id}>
              <Td>{t.name}</Td>
              <Td className="font-mono text-xs">{t.prefix}…</Td>
              <Td>{t.createdAt.slice(0, 10)}</Td>
              <Td>{t.lastUsedAt ? t.lastUsedAt.slice(0, 16).replace("T", " ") : "never"}</Td>
              <Td>
                {t.revokedAt ? <Badge>revoked</Badge> : (
                  <Button size="sm" variant="outline" disabled={pending} onClick={() => call("DELETE", `/api/v1/tokens/${t.id}`)}>Revoke</Button>
                )}
              </Td>
            </tr>
          ))}
          {tokens.length === 0 ? <tr><Td colSpan={5} className="text-zinc-500">No tokens yet.</Td></tr> : null}
        </tbody>
      </Table>
    </div>
  );
}
