import http from "node:http";
import { expect, test } from "@playwright/test";
import { E2E_ADMIN, loginViaApi, uniqueEmail } from "./helpers";

// The request guards of lib/api.ts against the real server: cookie-authenticated writes from another
// origin are refused while the app's own pages keep working, and a body over a route's limit is answered
// 413 without the server reading it all (with and without Content-Length).

/** Sends a PUT whose body never ends (or declares 200 MB); resolves with the status and how much was sent by then. */
function sendHugeBody(baseURL: string, path: string, token: string, declareLength: boolean) {
  const url = new URL(path, baseURL);
  return new Promise<{ status: number; sentBytes: number; ms: number }>((resolve, reject) => {
    const started = Date.now();
    let sent = 0;
    let done = false;
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "PUT",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          ...(declareLength ? { "content-length": String(200 * 1024 * 1024) } : { "transfer-encoding": "chunked" }),
        },
      },
      (res) => {
        done = true;
        res.resume();
        resolve({ status: res.statusCode ?? 0, sentBytes: sent, ms: Date.now() - started });
        req.destroy();
      },
    );
    req.on("error", (e) => (done ? undefined : reject(e)));
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      // Stop at 64 MB: a server that reads it all would answer long after this.
      while (!done && sent < 64 * 1024 * 1024) {
        sent += chunk.length;
        if (!req.write(chunk)) return req.once("drain", pump);
      }
    };
    req.write('{"data": "');
    pump();
  });
}

test("cross-origin cookie writes are refused and nothing is written; the app's own pages and API tokens still work", async ({ page, baseURL }) => {
  await loginViaApi(page.request, E2E_ADMIN.email, E2E_ADMIN.password);
  const email = uniqueEmail("csrf");
  const evil = await page.request.post("/api/v1/users", {
    headers: { origin: "https://evil.example", "content-type": "text/plain" },
    data: JSON.stringify({ email, password: "password-123", role: "ADMIN" }),
  });
  expect(evil.status()).toBe(403);
  expect((await evil.json()).error).toMatch(/Origin https:\/\/evil\.example is not this app/);
  const form = await page.request.post("/api/v1/users", { form: { email, password: "password-123", role: "ADMIN" } });
  expect(form.status()).toBe(403);
  const users = (await (await page.request.get("/api/v1/users")).json()) as { email: string }[];
  expect(users.some((u) => u.email === email)).toBe(false);

  // The browser's own fetch from an app page sends its Origin: it passes.
  await page.goto("/");
  const fromPage = await page.evaluate(async () => {
    const res = await fetch("/api/v1/tokens", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "from the page" }) });
    return { status: res.status, body: await res.json() };
  });
  expect(fromPage.status).toBe(201);
  // A bearer token works from anywhere, whatever the Origin and content type.
  const bearer = await page.request.post("/api/v1/users", {
    headers: { authorization: `Bearer ${fromPage.body.token}`, origin: "https://elsewhere.example", "content-type": "text/plain" },
    data: JSON.stringify({ email, password: "password-123", role: "LABELER" }),
  });
  expect(bearer.status()).toBe(201);
});

test("a body over the route's limit gets 413 quickly, with and without Content-Length", async ({ page, baseURL }) => {
  await loginViaApi(page.request, E2E_ADMIN.email, E2E_ADMIN.password);
  const token = (await (await page.request.post("/api/v1/tokens", { headers: { origin: baseURL! }, data: { name: "big bodies" } })).json()).token as string;
  const declared = await sendHugeBody(baseURL!, "/api/v1/tasks/some-task/draft", token, true);
  expect(declared.status).toBe(413);
  expect(declared.ms).toBeLessThan(5_000);
  const chunked = await sendHugeBody(baseURL!, "/api/v1/tasks/some-task/draft", token, false);
  expect(chunked.status).toBe(413);
  expect(chunked.sentBytes).toBeLessThan(32 * 1024 * 1024);
  expect(chunked.ms).toBeLessThan(10_000);
});

test("bad input through the real server: NUL characters in ids and bodies and deep nesting get 4xx, never 500", async ({ page, baseURL }) => {
  await loginViaApi(page.request, E2E_ADMIN.email, E2E_ADMIN.password);
  const token = (await (await page.request.post("/api/v1/tokens", { headers: { origin: baseURL! }, data: { name: "bad input" } })).json()).token as string;
  const auth = { authorization: `Bearer ${token}` };
  // A NUL in an id reaches the handler decoded: 400 from withUser, not a database error. (A path Next itself
  // cannot percent-decode, e.g. /api/v1/projects/%ff%fe, still gets Next's own bare 500 before any handler.)
  const nulId = await page.request.get("/api/v1/projects/%00", { headers: auth });
  expect(nulId.status()).toBe(400);
  const nul = await page.request.post("/api/v1/projects", { headers: auth, data: { name: "a\u0000b" } });
  expect(nul.status()).toBe(422);
  expect((await nul.json()).issues).toEqual([{ path: "name", message: "must not contain the NUL character (\\u0000)" }]);
  const deep = await page.request.put("/api/v1/tasks/some-task/draft", {
    headers: { ...auth, "content-type": "application/json" },
    data: `{"data": ${"[".repeat(3000)}${"]".repeat(3000)}}`,
  });
  expect(deep.status()).toBe(422);
});

test("a path that is not valid percent-encoded UTF-8 gets 400 naming it, not a 500", async ({ baseURL }) => {
  const get = (p: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(baseURL!);
      http
        .get({ host: url.hostname, port: url.port, path: p }, (res) => {
          let body = "";
          res.on("data", (c) => (body += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        })
        .on("error", reject);
    });
  for (const p of ["/api/v1/projects/%ff%fe", "/projects/%ff%fe", "/api/v1/tasks/%c3%28/submit"]) {
    const res = await get(p);
    expect(res.status, p).toBe(400);
    expect(JSON.parse(res.body).details.path).toBe(p);
  }
  expect((await get("/api/health")).status).toBe(200);
});
