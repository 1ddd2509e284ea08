// Next.js runs register() once per server process, before it serves the first request.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // The sign-in throttle needs each request's real TCP peer, which App Router handlers cannot see.
    const { installPeerAddressHeader } = await import("./lib/server/auth/peer-address");
    installPeerAddressHeader();
  }
}
