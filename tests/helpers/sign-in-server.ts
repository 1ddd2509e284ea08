// A real HTTP server that hands each request to NextAuth's credentials `authorize`, the way the NextAuth
// route does under Next (headers only, as a plain object), with the peer-address hook of instrumentation.ts
// installed. Lets integration tests send sign-ins over TCP with whatever X-Forwarded-For they like.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { authOptions } from "@/lib/auth";
import { installPeerAddressHeader } from "@/lib/server/auth/peer-address";

type TAuthorize = (credentials: Record<string, string>, req: { headers: http.IncomingHttpHeaders; body: unknown; query: object; method: string }) => Promise<{ id: string } | null>;

export async function startSignInServer() {
  installPeerAddressHeader();
  const provider = authOptions().providers.find((p) => p.id === "credentials") as unknown as { options: { authorize: TAuthorize } };
  const server = http.createServer(async (req, res) => {
    let text = "";
    for await (const chunk of req) text += chunk;
    const credentials = JSON.parse(text) as Record<string, string>;
    try {
      const user = await provider.options.authorize(credentials, { headers: req.headers, body: credentials, query: {}, method: "POST" });
      res.end(JSON.stringify({ ok: true, id: user?.id }));
    } catch (err) {
      res.end(JSON.stringify({ ok: false, error: (err as Error).message }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    /** Signs in over HTTP; `headers` may forge X-Forwarded-For (or anything else). */
    async signIn(email: string, password: string, headers: Record<string, string> = {}): Promise<{ ok: boolean; id?: string; error?: string }> {
      const res = await fetch(url, { method: "POST", headers, body: JSON.stringify({ email, password }) });
      return res.json();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
