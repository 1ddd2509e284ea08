// A path that is not valid percent-encoded UTF-8 is the caller's mistake: 400 naming it, never a 500 from
// deep inside the router. The guard sits on the HTTP server (instrumentation.ts installs it in the web
// process); here it wraps a plain node:http server whose handler would throw on such a path, as Next's does.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installMalformedPathGuard, isDecodablePath } from "@/lib/server/http/malformed-path-guard";

describe("malformed request paths", () => {
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    installMalformedPathGuard();
    server = http.createServer((req, res) => {
      try {
        decodeURIComponent(req.url ?? "/");
        res.writeHead(200).end("ok");
      } catch {
        res.writeHead(500).end("router failed");
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("tells decodable paths from undecodable ones", () => {
    expect(isDecodablePath("/api/v1/projects/%ff%fe")).toBe(false);
    expect(isDecodablePath("/api/v1/projects/%E2%9C%93?q=%ff")).toBe(true); // the query is not the path
    expect(isDecodablePath("/projects/abc")).toBe(true);
    expect(isDecodablePath("/a%2")).toBe(false);
  });

  it("answers 400 naming the path, and lets good paths through", async () => {
    const bad = await fetch(`${base}/api/v1/projects/%ff%fe`);
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { code: string; error: string; details: { path: string } };
    expect(body.code).toBe("BAD_REQUEST");
    expect(body.error).toMatch(/percent-encoded UTF-8/);
    expect(body.details.path).toBe("/api/v1/projects/%ff%fe");
    const good = await fetch(`${base}/api/v1/projects/%E2%9C%93`);
    expect(good.status).toBe(200);
  });
});
