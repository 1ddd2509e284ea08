// Next.js runs register() once per server process, before it serves the first request.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // The sign-in throttle needs each request's real TCP peer, which App Router handlers cannot see.
    const { installPeerAddressHeader } = await import("./lib/server/auth/peer-address");
    installPeerAddressHeader();
    // A path that is not valid percent-encoded UTF-8 gets 400 before Next's router fails on it with a 500.
    const { installMalformedPathGuard } = await import("./lib/server/http/malformed-path-guard");
    installMalformedPathGuard();
  }
}
