// Requests whose path is not valid percent-encoded UTF-8 (`/api/v1/projects/%ff%fe`) are answered 400 here,
// before Next routes them (loaded by instrumentation.ts, so no "server-only" import).
//
// Next's router throws on such a path while matching routes and then fails to render its own error page
// in an App-Router-only build, so the caller got a bare 500 and no handler of ours ever ran. The path is
// the caller's mistake: say so, and name it.
import http from "node:http";

const INSTALLED = Symbol.for("rlhf.malformedPathGuard");

/** Whether every %XX escape of the URL's path decodes to valid UTF-8. */
export function isDecodablePath(url: string): boolean {
  const path = url.split(/[?#]/, 1)[0] ?? "";
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/** Makes every HTTP server of this process answer 400 to a request whose path cannot be decoded. */
export function installMalformedPathGuard(): void {
  const flags = globalThis as { [INSTALLED]?: boolean };
  if (flags[INSTALLED]) return;
  const emit = http.Server.prototype.emit as (this: http.Server, ...a: unknown[]) => boolean;
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
      if (!isDecodablePath(req.url ?? "/")) {
        const body = JSON.stringify({
          error: "The request path is not valid percent-encoded UTF-8",
          code: "BAD_REQUEST",
          details: { path: (req.url ?? "").slice(0, 200) },
        });
        res.writeHead(400, { "content-type": "application/json", "cache-control": "no-store", "content-length": Buffer.byteLength(body) });
        res.end(body);
        req.resume();
        return true;
      }
    }
    return emit.apply(this, [event, ...args]);
  } as typeof http.Server.prototype.emit;
  flags[INSTALLED] = true;
}
