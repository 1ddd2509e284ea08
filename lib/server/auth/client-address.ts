import "server-only";
import { BlockList, isIP } from "node:net";
import { env } from "@/lib/env";
import { PEER_ADDRESS_HEADER, peerAddressHeaderInstalled } from "@/lib/server/auth/peer-address";

type THeaders = Record<string, string | string[] | undefined>;

/** `::ffff:10.0.0.1` -> `10.0.0.1`; anything that is not an IP address -> null. */
function normalise(address: string | undefined): string | null {
  const a = address?.trim().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "") ?? "";
  return isIP(a) ? a : null;
}

const blockLists = new Map<string, BlockList>();

function trustedList(entries: string[]): BlockList {
  const key = entries.join(",");
  let list = blockLists.get(key);
  if (!list) {
    list = new BlockList();
    for (const entry of entries) {
      const [address, bits] = entry.split("/");
      const a = normalise(address)!;
      const type = isIP(a) === 6 ? "ipv6" : "ipv4";
      if (bits === undefined) list.addAddress(a, type);
      else list.addSubnet(a, Number(bits), type);
    }
    blockLists.set(key, list);
  }
  return list;
}

/**
 * The client's address: the socket's peer, unless that peer is a trusted proxy; then the right-most
 * X-Forwarded-For entry that is not itself a trusted proxy (entries left of it were written by the client
 * and prove nothing). Null when the peer is unknown.
 */
export function resolveClientAddress(options: { peer: string | null; forwardedFor?: string | null; trustedProxies: string[] }): string | null {
  const peer = normalise(options.peer ?? undefined);
  if (!peer) return null;
  const trusted = trustedList(options.trustedProxies);
  const isTrusted = (a: string) => trusted.check(a, isIP(a) === 6 ? "ipv6" : "ipv4");
  if (!isTrusted(peer)) return peer;
  const chain = (options.forwardedFor ?? "").split(",").map((e) => normalise(e));
  let client = peer;
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = chain[i];
    if (!hop) break; // a malformed entry: stop at the last address we could trust
    client = hop;
    if (!isTrusted(hop)) break;
  }
  return client;
}

let warned = false;
let warnedUntrusted = false;

/** The address of the caller of a request, from its headers (NextAuth hands `authorize` headers only). */
export function requestClientAddress(headers: THeaders | undefined): string | null {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(",") : v);
  if (!peerAddressHeaderInstalled()) {
    if (!warned) console.warn("[auth] the peer-address hook is not installed (instrumentation.ts): sign-in throttling per address is off");
    warned = true;
    return null;
  }
  const peer = one(headers?.[PEER_ADDRESS_HEADER]) ?? null;
  const forwardedFor = one(headers?.["x-forwarded-for"]);
  const { TRUSTED_PROXIES } = env();
  const address = resolveClientAddress({ peer, forwardedFor, trustedProxies: TRUSTED_PROXIES });
  if (!warnedUntrusted && address === normalise(peer ?? undefined) && forwardedFor && normalise(forwardedFor) !== address) {
    // Behind a proxy that is not listed, everyone shares the proxy's address (and its sign-in delays).
    console.warn(`[auth] X-Forwarded-For came from ${address}, which is not in TRUSTED_PROXIES: it is ignored (list your reverse proxy there if there is one)`);
    warnedUntrusted = true;
  }
  return address;
}
