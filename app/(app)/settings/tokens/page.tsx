import { requirePageUser } from "@/lib/session";
import { listApiTokens } from "@/lib/server/tokens/list-api-tokens";
import { Card, PageHeader } from "@/components/ui/card";
import { TokensPanel } from "@/components/tokens/tokens-panel";

export default async function TokensPage() {
  const user = await requirePageUser();
  const tokens = await listApiTokens({ userId: user.id });
  return (
    <>
      <PageHeader title="API tokens" description="Personal tokens for scripts and the CLI. They act with your permissions." />
      <Card>
        <TokensPanel tokens={tokens.map((t) => ({ ...t, createdAt: t.createdAt.toISOString(), lastUsedAt: t.lastUsedAt?.toISOString() ?? null, revokedAt: t.revokedAt?.toISOString() ?? null, expiresAt: undefined }))} />
      </Card>
    </>
  );
}
