// The TCP peer's address of every request, for the sign-in throttle (loaded by instrumentation.ts, so no
// "server-only" import here).
//
// Route handlers under Next's App Router see only headers: no socket, no `request.ip` (removed in Next 15).
// Next fills `X-Forwarded-For` with the socket's address only when the client sent none (base-server.js:
// `x-forwarded-for ??= socket.remoteAddress`), so the header alone cannot tell a real address from a forged
// one. This hook writes the socket's address into a header of our own on every request the HTTP server
// receives, overwriting whatever a client put there; lib/server/auth/client-address.ts reads it.
import http from "node:http";

export const PEER_ADDRESS_HEADER = "x-rlhf-peer-address";
const INSTALLED = Symbol.for("rlhf.peerAddressHeader");

/** Makes every HTTP server of this process stamp each request with its socket's remote address. */
export function installPeerAddressHeader(): void {
  const flags = globalThis as { [INSTALLED]?: boolean };
  if (flags[INSTALLED]) return;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const req = args[0] as http.IncomingMessage;
      req.headers[PEER_ADDRESS_HEADER] = req.socket.remoteAddress ?? "";
    }
    return (emit as (this: http.Server, ...a: unknown[]) => boolean).apply(this, [event, ...args]);
  } as typeof emit;
  flags[INSTALLED] = true;
}

/** Whether request headers carry the peer address (false in tests that call handlers directly). */
export function peerAddressHeaderInstalled(): boolean {
  return (globalThis as { [INSTALLED]?: boolean })[INSTALLED] === true;
}
