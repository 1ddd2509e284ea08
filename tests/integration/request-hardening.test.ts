import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { BODY_MAX_BYTES, checkSameOrigin } from "@/lib/api";
import { importPrompts } from "@/lib/server/import/import-prompts";
import { claimNextTask } from "@/lib/server/labeling/claim-next-task";
import { submitTask } from "@/lib/server/labeling/submit-task";
import { POST as createProjectRoute } from "@/app/api/v1/projects/route";
import { GET as getProjectRoute } from "@/app/api/v1/projects/[id]/route";
import { POST as createTokenRoute } from "@/app/api/v1/tokens/route";
import { POST as createUserRoute } from "@/app/api/v1/users/route";
import { PATCH as updateUserRoute } from "@/app/api/v1/users/[id]/route";
import { POST as createSnapshotRoute } from "@/app/api/v1/projects/[id]/snapshots/route";
import { POST as submitRoute } from "@/app/api/v1/tasks/[id]/submit/route";
import { POST as skipRoute } from "@/app/api/v1/tasks/[id]/skip/route";
import { PUT as putDraftRoute } from "@/app/api/v1/tasks/[id]/draft/route";
import { POST as reviewRoute } from "@/app/api/v1/labels/[kind]/[id]/review/route";
import { setupAdmin } from "@/app/setup/actions";
import { POST as acceptInviteRoute } from "@/app/api/v1/invites/accept/route";
import { POST as acceptResetRoute } from "@/app/api/v1/password-resets/accept/route";
import { apiRequest, createMember, createProject, createUser, jsonlOf, routeContext, streamOf } from "../helpers/factories";

// Bad input gets a clear 4xx, never a 500: NUL characters anywhere in a JSON body, nesting too deep, bodies
// over a route's limit (refused before they are read), undecodable path parameters; and cookie-authenticated
// writes from other sites are refused (CSRF).

async function labelingSeed(kinds: ("RANKING" | "DEMONSTRATION")[] = ["RANKING"]) {
  const admin = await createUser({ role: "ADMIN" });
  const project = await createProject({ labelsPerItem: 3, taskKinds: kinds });
  const rows = Array.from({ length: 3 }, (_, i) => ({ prompt: `Hardening ${i} ${crypto.randomUUID()}`, responses: ["a", "b"] }));
  await importPrompts({ projectId: project.id, createdById: admin.id, fileName: "seed", mode: "all_or_nothing", format: "jsonl", source: streamOf(jsonlOf(rows)) });
  return { admin, project };
}

async function issuesOf(res: Response) {
  const body = await res.json();
  return { body, paths: ((body.issues ?? []) as { path: string }[]).map((i) => i.path) };
}

const NUL = "a\u0000b";

describe("NUL characters in JSON bodies", () => {
  it("names of projects, tokens, users and snapshots, and user renames: 422 naming the field, nothing stored", async () => {
    const admin = await createUser({ role: "ADMIN" });
    const before = await db.project.count();
    const cases: [string, Response][] = [
      ["name", await createProjectRoute(apiRequest("/api/v1/projects", { method: "POST", token: admin.token, json: { name: NUL } }))],
      ["name", await createTokenRoute(apiRequest("/api/v1/tokens", { method: "POST", token: admin.token, json: { name: NUL } }))],
      ["name", await createUserRoute(apiRequest("/api/v1/users", { method: "POST", token: admin.token, json: { email: `${crypto.randomUUID()}@t.dev`, password: "password-123", role: "LABELER", name: NUL } }))],
    ];
    const other = await createUser();
    cases.push(["name", await updateUserRoute(apiRequest(`/api/v1/users/${other.id}`, { method: "PATCH", token: admin.token, json: { name: NUL } }), routeContext({ id: other.id }))]);
    const project = await createProject();
    cases.push(["name", await createSnapshotRoute(apiRequest(`/api/v1/projects/${project.id}/snapshots`, { method: "POST", token: admin.token, json: { name: NUL } }), routeContext({ id: project.id }))]);
    for (const [path, res] of cases) {
      expect(res.status).toBe(422);
      const { body, paths } = await issuesOf(res);
      expect(paths).toEqual([path]);
      expect(body.error).toMatch(/NUL/);
    }
    expect(await db.project.count()).toBe(before + 1);
  });

  it("demonstrations, drafts (nested), skip reasons and review comments: 422 naming the path", async () => {
    const { admin, project } = await labelingSeed(["DEMONSTRATION", "RANKING"]);
    const labeler = await createMember(project.id);
    const demo = await claimNextTask({ user: labeler, projectId: project.id, kind: "DEMONSTRATION" });
    const submit = await submitRoute(apiRequest(`/api/v1/tasks/${demo!.id}/submit`, { method: "POST", token: labeler.token, json: { text: NUL } }), routeContext({ id: demo!.id }));
    expect(submit.status).toBe(422);
    expect((await issuesOf(submit)).paths).toEqual(["text"]);

    const draft = await putDraftRoute(
      apiRequest(`/api/v1/tasks/${demo!.id}/draft`, { method: "PUT", token: labeler.token, json: { data: { order: [["x"]], note: { text: NUL } } } }),
      routeContext({ id: demo!.id }),
    );
    expect(draft.status).toBe(422);
    expect((await issuesOf(draft)).paths).toEqual(["data.note.text"]);

    const skip = await skipRoute(apiRequest(`/api/v1/tasks/${demo!.id}/skip`, { method: "POST", token: labeler.token, json: { reason: NUL } }), routeContext({ id: demo!.id }));
    expect(skip.status).toBe(422);
    expect((await issuesOf(skip)).paths).toEqual(["reason"]);
    expect((await db.taskAssignment.findFirst({ where: { taskId: demo!.id, userId: labeler.id } }))!.status).toBe("LEASED");

    const label = await submitTask({ user: labeler, taskId: demo!.id, request: { text: "A fine answer." } });
    const review = await reviewRoute(
      apiRequest(`/api/v1/labels/demonstration/${label.labelId}/review`, { method: "POST", token: admin.token, json: { decision: "reject", comment: NUL } }),
      routeContext({ kind: "demonstration", id: label.labelId }),
    );
    expect(review.status).toBe(422);
    expect((await issuesOf(review)).paths).toEqual(["comment"]);
    expect(await db.labelReview.count({ where: { demonstrationId: label.labelId } })).toBe(0);
  });

  it("a NUL in an object key is refused too", async () => {
    const admin = await createUser({ role: "ADMIN" });
    const res = await createProjectRoute(apiRequest("/api/v1/projects", { method: "POST", token: admin.token, body: `{"name": "ok", "x\\u0000": 1}`, headers: { "content-type": "application/json" } }));
    expect(res.status).toBe(422);
    expect((await res.json()).error).toMatch(/NUL/);
  });
});

describe("NUL characters in server actions", () => {
  it("the set-up form names the field instead of failing in the database", async () => {
    const form = new FormData();
    form.set("email", `${crypto.randomUUID()}@t.dev`);
    form.set("name", NUL);
    form.set("password", "password-123");
    form.set("confirm", "password-123");
    expect(await setupAdmin(null, form)).toEqual({ ok: false, error: "name: must not contain the NUL character (\\u0000)" });
  });
});

describe("deep and large bodies", () => {
  it("a draft nested 3,000 levels deep gets 422 naming the nesting limit", async () => {
    const { project } = await labelingSeed();
    const labeler = await createMember(project.id);
    const t = await claimNextTask({ user: labeler, projectId: project.id });
    const deep = `{"data": ${"[".repeat(3000)}${"]".repeat(3000)}}`;
    const res = await putDraftRoute(
      apiRequest(`/api/v1/tasks/${t!.id}/draft`, { method: "PUT", token: labeler.token, body: deep, headers: { "content-type": "application/json" } }),
      routeContext({ id: t!.id }),
    );
    expect(res.status).toBe(422);
    expect((await res.json()).error).toMatch(/nested deeper than 64 levels/);
  });

  /** A body that never ends, counting how many bytes the server pulled from it. */
  function endlessBody() {
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const state = { pulled: 0, cancelled: false };
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        state.pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
      cancel() {
        state.cancelled = true;
      },
    });
    return { stream, state };
  }

  function bigRequest(path: string, token: string, stream: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
    return new Request(`http://localhost${path}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
      body: stream,
      duplex: "half",
    } as RequestInit);
  }

  it("a body over the route's limit gets 413 before it is read: with Content-Length nothing is read, without it reading stops at the limit", async () => {
    const { project } = await labelingSeed();
    const labeler = await createMember(project.id);
    const t = await claimNextTask({ user: labeler, projectId: project.id });
    const path = `/api/v1/tasks/${t!.id}/draft`;

    const declared = endlessBody();
    const started = Date.now();
    const res1 = await putDraftRoute(bigRequest(path, labeler.token, declared.stream, { "content-length": String(200 * 1024 * 1024) }), routeContext({ id: t!.id }));
    expect(res1.status).toBe(413);
    expect((await res1.json()).error).toMatch(/limit of 1048576 bytes/);
    expect(declared.state.pulled).toBeLessThanOrEqual(64 * 1024); // at most the stream's own first read-ahead

    const chunked = endlessBody();
    const res2 = await putDraftRoute(bigRequest(path, labeler.token, chunked.stream), routeContext({ id: t!.id }));
    expect(res2.status).toBe(413);
    expect(res2.headers.get("connection")).toBe("close");
    expect(chunked.state.pulled).toBeLessThan(BODY_MAX_BYTES + 3 * 64 * 1024);
    expect(chunked.state.cancelled).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await db.taskDraft.count({ where: { taskId: t!.id } })).toBe(0);
  });
});

describe("path parameters", () => {
  it("a path Next cannot percent-decode (/projects/%ff%fe) gets 400, and a NUL in an id 400, not 500", async () => {
    const admin = await createUser({ role: "ADMIN" });
    const decodeError = Object.assign(new Error("failed to decode param"), { name: "DecodeError" });
    const rejected = Promise.reject(decodeError);
    rejected.catch(() => undefined);
    const bad = await getProjectRoute(apiRequest("/api/v1/projects/%ff%fe", { token: admin.token }), { params: rejected });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/percent-encoded/);
    const nul = await getProjectRoute(apiRequest("/api/v1/projects/%00", { token: admin.token }), routeContext({ id: "\u0000" }));
    expect(nul.status).toBe(400);
    const raw = await getProjectRoute(apiRequest("/api/v1/projects/%ff%fe", { token: admin.token }), routeContext({ id: "%ff%fe" }));
    expect(raw.status).toBe(404);
  });
});

describe("CSRF: cookie-authenticated writes", () => {
  const cookie = "next-auth.session-token=whatever";

  it("a cross-origin cookie POST creating an admin gets 403 naming the reason, and nothing is written", async () => {
    const email = `${crypto.randomUUID()}@t.dev`;
    const form = await createUserRoute(
      apiRequest("/api/v1/users", {
        method: "POST",
        body: JSON.stringify({ email, password: "password-123", role: "ADMIN" }),
        headers: { cookie, origin: "https://evil.example", "content-type": "text/plain;charset=UTF-8", "sec-fetch-site": "cross-site" },
      }),
    );
    expect(form.status).toBe(403);
    expect((await form.json()).error).toMatch(/Origin https:\/\/evil\.example is not this app/);
    // Same site name but another port is another origin.
    const port = await createUserRoute(apiRequest("/api/v1/users", { method: "POST", json: { email, password: "password-123", role: "ADMIN" }, headers: { cookie, origin: "http://localhost:4444" } }));
    expect(port.status).toBe(403);
    const nullOrigin = await createUserRoute(apiRequest("/api/v1/users", { method: "POST", json: { email, password: "password-123", role: "ADMIN" }, headers: { cookie, origin: "null" } }));
    expect(nullOrigin.status).toBe(403);
    // No Origin, but the browser says the request is cross-site.
    const site = await createUserRoute(apiRequest("/api/v1/users", { method: "POST", json: { email, password: "password-123", role: "ADMIN" }, headers: { cookie, "sec-fetch-site": "cross-site" } }));
    expect(site.status).toBe(403);
    expect((await site.json()).error).toMatch(/Sec-Fetch-Site is cross-site/);
    // A form's body types are refused whatever the headers say.
    const plain = await createUserRoute(apiRequest("/api/v1/users", { method: "POST", body: JSON.stringify({ email, password: "password-123", role: "ADMIN" }), headers: { cookie, "content-type": "text/plain" } }));
    expect(plain.status).toBe(403);
    expect((await plain.json()).error).toMatch(/Content-Type text\/plain refused/);
    const urlencoded = await createUserRoute(apiRequest("/api/v1/users", { method: "POST", body: "email=x", headers: { cookie, origin: "http://localhost", "content-type": "application/x-www-form-urlencoded" } }));
    expect(urlencoded.status).toBe(403);
    expect(await db.user.count({ where: { email } })).toBe(0);
  });

  it("same-origin JSON writes from the app's pages pass the check (Origin matching Host, X-Forwarded-Host or NEXTAUTH_URL)", () => {
    const req = (headers: Record<string, string>, url = "http://localhost:3000/api/v1/users") =>
      new Request(url, { method: "POST", headers: { cookie, "content-type": "application/json", ...headers }, body: "{}" });
    expect(() => checkSameOrigin(req({ origin: "http://localhost:3000", host: "localhost:3000" }))).not.toThrow();
    expect(() => checkSameOrigin(req({ origin: "https://studio.example.com", "x-forwarded-host": "studio.example.com" }))).not.toThrow();
    expect(() => checkSameOrigin(req({ "sec-fetch-site": "same-origin" }))).not.toThrow();
    expect(() => checkSameOrigin(req({ "content-type": "application/json; charset=utf-8", origin: "http://localhost:3000" }))).not.toThrow();
    const saved = process.env.NEXTAUTH_URL;
    process.env.NEXTAUTH_URL = "https://rlhf.example.org";
    try {
      expect(() => checkSameOrigin(req({ origin: "https://rlhf.example.org" }, "http://10.0.0.5:3000/api/v1/users"))).not.toThrow();
    } finally {
      if (saved === undefined) delete process.env.NEXTAUTH_URL;
      else process.env.NEXTAUTH_URL = saved;
    }
    // Reads and bodiless same-origin posts are fine; the import route accepts its upload types.
    expect(() => checkSameOrigin(new Request("http://localhost:3000/x", { headers: { cookie, origin: "https://evil.example" } }))).not.toThrow();
    expect(() => checkSameOrigin(new Request("http://localhost:3000/x", { method: "POST", headers: { cookie, origin: "http://localhost:3000" } }))).not.toThrow();
    expect(() => checkSameOrigin(req({ origin: "http://localhost:3000", "content-type": "multipart/form-data; boundary=x" }), ["multipart/form-data"])).not.toThrow();
  });

  it("bearer-token calls are unaffected by Origin and Content-Type", async () => {
    const admin = await createUser({ role: "ADMIN" });
    const email = `${crypto.randomUUID()}@t.dev`;
    const res = await createUserRoute(
      apiRequest("/api/v1/users", {
        method: "POST",
        token: admin.token,
        body: JSON.stringify({ email, password: "password-123", role: "LABELER" }),
        headers: { origin: "https://elsewhere.example", "content-type": "text/plain" },
      }),
    );
    expect(res.status).toBe(201);
    expect(await db.user.count({ where: { email } })).toBe(1);
  });
});

describe("public routes outside withUser read their bodies under the same checks", () => {
  it("invitation and reset-link acceptance: a NUL gets 422 naming the field, an oversized body 413 before it is read", async () => {
    for (const [route, path] of [
      [acceptInviteRoute, "/api/v1/invites/accept"],
      [acceptResetRoute, "/api/v1/password-resets/accept"],
    ] as const) {
      const nul = await route(apiRequest(path, { method: "POST", json: { token: `rlhf_${"x".repeat(43)}`, password: "pass\u0000word-1" } }));
      expect(nul.status, path).toBe(422);
      expect(JSON.stringify(await nul.json()), path).toMatch(/password/);
      const big = await route(
        new Request(`http://localhost${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", "content-length": String(200 * 1024 * 1024) },
          body: endlessBodyStream(),
          duplex: "half",
        } as RequestInit),
      );
      expect(big.status, path).toBe(413);
    }
  });
});

function endlessBodyStream(): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  return new ReadableStream({ pull: (c) => c.enqueue(chunk) });
}
