import { afterEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { importPrompts } from "@/lib/server/import/import-prompts";
import { readImportRecords } from "@/lib/server/import/read-import-records";
import { POST as importRoute } from "@/app/api/v1/projects/[id]/import/route";
import { apiRequest, createProject, createUser, jsonlOf, routeContext } from "../helpers/factories";

// Import files with bad input: NUL characters, invalid UTF-8, empty files and oversized text are reported
// per line (partial imports keep the good lines), never a 500 and never silently altered.

async function seed() {
  const admin = await createUser({ role: "ADMIN" });
  const project = await createProject({ createdById: admin.id, taskKinds: ["RANKING"] });
  return { admin, project };
}

function run(projectId: string, adminId: string, text: string | Uint8Array, options: { mode?: "partial" | "all_or_nothing"; format?: "jsonl" | "csv" } = {}) {
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += 37) yield bytes.slice(i, i + 37);
  }
  return importPrompts({ projectId, createdById: adminId, fileName: "f", mode: options.mode ?? "partial", format: options.format ?? "jsonl", source: chunks() });
}

const uid = () => crypto.randomUUID().slice(0, 8);

afterEach(() => {
  delete process.env.IMPORT_MAX_BYTES;
});

describe("import: bad input", () => {
  it("a partial import with 3 good lines and one NUL line keeps the 3 and names the field and line", async () => {
    const { admin, project } = await seed();
    const rows = [
      { prompt: `Good one ${uid()}`, responses: ["a", "b"] },
      { prompt: `Bad \u0000 one ${uid()}`, responses: ["a", "b"] },
      { prompt: `Good two ${uid()}`, responses: ["a", "b"] },
      { messages: [{ role: "user", content: `Bad \u0000 turn ${uid()}` }] },
      { prompt: `Good three ${uid()}`, responses: ["a", "b"], metadata: { note: "fine" } },
      { prompt: `Bad meta ${uid()}`, metadata: { "k\u0000": 1 } },
    ];
    const res = await run(project.id, admin.id, jsonlOf(rows));
    expect(res.imported).toBe(3);
    expect(res.rejected).toEqual([
      { line: 2, error: "prompt: must not contain the NUL character (\\u0000)" },
      { line: 4, error: "messages.0.content: must not contain the NUL character (\\u0000)" },
      { line: 6, error: "metadata.k\\u0000: keys must not contain the NUL character (\\u0000)" },
    ]);
    expect(await db.prompt.count({ where: { projectId: project.id } })).toBe(3);

    // All or nothing: the same file stores nothing, and says why (not a 500).
    const other = await seed();
    const all = await run(other.project.id, other.admin.id, jsonlOf(rows), { mode: "all_or_nothing" });
    expect(all.imported).toBe(0);
    expect(all.rejected.map((r) => r.line)).toEqual([2, 4, 6]);
  });

  it("a NUL in a CSV cell is reported with its line", async () => {
    const { admin, project } = await seed();
    const csv = `prompt,response_1,response_2\nFirst ${uid()},a,b\nSecond ${uid()},a\u0000x,b\n`;
    const res = await run(project.id, admin.id, csv, { format: "csv" });
    expect(res.imported).toBe(1);
    expect(res.rejected).toEqual([{ line: 3, error: "responses.0: must not contain the NUL character (\\u0000)" }]);
  });

  it("invalid UTF-8 is reported with its line, not replaced; multi-byte text split across chunks stays intact", async () => {
    const { admin, project } = await seed();
    const enc = new TextEncoder();
    const good1 = enc.encode(`${JSON.stringify({ prompt: `Ünïcödé 日本語 ${uid()} ${"é".repeat(40)}`, responses: ["a", "b"] })}\n`);
    const bad = Uint8Array.from([...enc.encode(`{"prompt": "broken `), 0xff, 0xfe, ...enc.encode(`", "responses": ["a", "b"]}\n`)]);
    const good2 = enc.encode(`${JSON.stringify({ prompt: `Fine ${uid()}`, responses: ["a", "b"] })}\n`);
    const res = await run(project.id, admin.id, Uint8Array.from([...good1, ...bad, ...good2]));
    expect(res.rejected).toEqual([{ line: 2, error: "not valid UTF-8 text (save the file as UTF-8)" }]);
    expect(res.imported).toBe(2);
    const texts = (await db.prompt.findMany({ where: { projectId: project.id }, select: { text: true } })).map((p) => p.text);
    expect(texts.some((t) => t.startsWith("Ünïcödé 日本語") && t.endsWith("é".repeat(40)))).toBe(true);
    expect(texts.some((t) => t.includes("\ufffd"))).toBe(false);

    const csvProject = await seed();
    const csv = Uint8Array.from([
      ...enc.encode(`prompt,response_1,response_2\nCafé ${uid()},a,b\n"Multi\nline ${uid()}",a,b\nBad `),
      0xc3, 0x28,
      ...enc.encode(` ${uid()},a,b\nLast ${uid()},a,b\n`),
    ]);
    const csvRes = await run(csvProject.project.id, csvProject.admin.id, csv, { format: "csv" });
    expect(csvRes.rejected).toEqual([{ line: 5, error: "not valid UTF-8 text (save the file as UTF-8)" }]);
    expect(csvRes.imported).toBe(3);
  });

  it("an empty file is an error that says it was empty, in both formats", async () => {
    const { admin, project } = await seed();
    await expect(run(project.id, admin.id, "\n\n  \n")).rejects.toThrow(/file: the file is empty/);
    await expect(run(project.id, admin.id, "prompt,response_1\n", { format: "csv" })).rejects.toThrow(/file: the file is empty \(a CSV needs a header row/);
    const res = await importRoute(
      apiRequest(`/api/v1/projects/${project.id}/import?format=jsonl`, { method: "POST", token: admin.token, body: "\n", headers: { "content-type": "application/x-ndjson" } }),
      routeContext({ id: project.id }),
    );
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.issues).toEqual([{ path: "file", message: "the file is empty (no lines to import)" }]);
  });

  it("message contents and metadata have size limits, named per line", async () => {
    const { admin, project } = await seed();
    const rows = [
      { messages: [{ role: "user", content: "x".repeat(100_001) }] },
      { prompt: `Meta ${uid()}`, metadata: { blob: "y".repeat(100_001) } },
      { prompt: `Fine ${uid()}` },
    ];
    const res = await run(project.id, admin.id, jsonlOf(rows));
    expect(res.rejected.map((r) => r.line)).toEqual([1, 2]);
    expect(res.rejected[0].error).toMatch(/^messages\.0\.content: .*100000/);
    expect(res.rejected[1].error).toMatch(/^metadata: must be at most 100000 characters/);
    expect(res.imported).toBe(1);
  });

  it("a JSONL line over the line limit is reported and skipped without being held; the lines around it are read", async () => {
    const text = jsonlOf([{ prompt: "before" }, { prompt: "x".repeat(5000) }, { prompt: "after" }]) + "y".repeat(3000);
    const bytes = new TextEncoder().encode(text);
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 37) yield bytes.slice(i, i + 37);
    }
    const records = [];
    for await (const r of readImportRecords(chunks(), { format: "jsonl", maxBytes: 1e6, maxLineBytes: 1000 })) records.push(r);
    expect(records).toEqual([
      { line: 1, value: { prompt: "before" } },
      { line: 2, error: "line: longer than 1000 bytes (the limit of one line)" },
      { line: 3, value: { prompt: "after" } },
      { line: 4, error: "line: longer than 1000 bytes (the limit of one line)" },
    ]);
  });

  it("the import route keeps IMPORT_MAX_BYTES as its body limit (413 before reading), and a NUL in the file name is harmless", async () => {
    const { admin, project } = await seed();
    const body = jsonlOf([{ prompt: `Named ${uid()}`, responses: ["a", "b"] }]);
    const ok = await importRoute(
      apiRequest(`/api/v1/projects/${project.id}/import?name=a%00b.jsonl`, { method: "POST", token: admin.token, body, headers: { "content-type": "application/x-ndjson" } }),
      routeContext({ id: project.id }),
    );
    expect(ok.status).toBe(200);
    expect((await ok.json()).imported).toBe(1);
    // 2 MB is over withUser's default limit but well under the import limit.
    const big = jsonlOf(Array.from({ length: 2000 }, (_, i) => ({ prompt: `Big ${i} ${uid()} ${"z".repeat(1000)}` })));
    const large = await importRoute(
      apiRequest(`/api/v1/projects/${project.id}/import`, { method: "POST", token: admin.token, body: big, headers: { "content-type": "application/x-ndjson", "content-length": String(Buffer.byteLength(big)) } }),
      routeContext({ id: project.id }),
    );
    expect(large.status).toBe(200);
    expect((await large.json()).imported).toBe(2000);
    process.env.IMPORT_MAX_BYTES = "1000";
    const refused = await importRoute(
      apiRequest(`/api/v1/projects/${project.id}/import`, { method: "POST", token: admin.token, body: big, headers: { "content-type": "application/x-ndjson", "content-length": String(Buffer.byteLength(big)) } }),
      routeContext({ id: project.id }),
    );
    expect(refused.status).toBe(413);
  });

  it("a cross-site form upload with the session cookie is refused before anything is read", async () => {
    const { project } = await seed();
    const form = new FormData();
    form.set("file", new Blob([jsonlOf([{ prompt: "csrf" }])]), "x.jsonl");
    const res = await importRoute(
      new Request(`http://localhost/api/v1/projects/${project.id}/import`, { method: "POST", body: form, headers: { cookie: "next-auth.session-token=x", origin: "https://evil.example" } }),
      routeContext({ id: project.id }),
    );
    expect(res.status).toBe(403);
    expect(await db.prompt.count({ where: { projectId: project.id } })).toBe(0);
  });
});
