import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { db } from "@/lib/db";
import { importPrompts } from "@/lib/server/import/import-prompts";
import { runImportCli } from "@/lib/server/import/cli";
import { readMultipartFile } from "@/lib/server/import/read-multipart-file";
import { planImportTasks } from "@/lib/server/import/plan-import-tasks";
import { POST as importRoute } from "@/app/api/v1/projects/[id]/import/route";
import { apiRequest, createProject, createUser, jsonlOf, routeContext, streamOf } from "../helpers/factories";

const fixture = (name: string) => path.join(import.meta.dirname, "..", "fixtures", name);
const fileStream = (name: string) => fs.createReadStream(fixture(name));

describe("import", () => {
  it("admin imports prompts with four responses: a demonstration task and a ranking task each", async () => {
    const admin = await createUser({ role: "ADMIN" });
    const project = await createProject({ createdById: admin.id, labelsPerItem: 2 });
    const res = await importPrompts({ projectId: project.id, createdById: admin.id, fileName: "rankings.jsonl", mode: "partial", format: "jsonl", source: fileStream("rankings.jsonl") });
    expect(res.rejected).toEqual([]);
    expect(res.duplicates).toEqual([]);
    expect(res.imported).toBe(10);
    expect(res.tasksCreated).toBe(20);
    const tasks = await db.task.findMany({ where: { projectId: project.id }, include: { responses: true } });
    expect(tasks.filter((t) => t.kind === "RANKING").every((t) => t.responses.length === 4 && t.labelsNeeded === 2)).toBe(true);
    const gold = await db.prompt.findFirstOrThrow({ where: { projectId: project.id, isGold: true }, include: { responses: { orderBy: { createdAt: "asc" } } } });
    const ranking = (gold.goldAnswer as { ranking: string[][] }).ranking;
    expect(ranking).toHaveLength(3);
    expect(ranking.flat().sort()).toEqual(gold.responses.map((r) => r.id).sort());
    const job = await db.importJob.findUniqueOrThrow({ where: { id: res.importId } });
    expect(job.imported).toBe(10);
    const evalCount = await db.prompt.count({ where: { projectId: project.id, split: "EVAL" } });
    expect(evalCount).toBe(2);
  });

  it("reports every bad line with its number and the field, and imports the good ones in partial mode", async () => {
    const admin = await createUser({ role: "ADMIN" });
    const project = await createProject({ taskKinds: ["DEMONSTRATION", "RANKING", "PAIRWISE"] });
    const res = await importPrompts({ projectId: project.id, createdById: admin.id, fileName: "bad-lines.jsonl", mode: "partial", format: "jsonl", source: fileStream("bad-lines.jsonl") });
    expect(res.rejected.map((r) => r.line)).toEqual([2, 3, 4, 8, 9, 11, 12]);
    const byLine = Object.fromEntries(res.rejected.map((r) => [r.line, r.error]));
    expect(byLine[2]).toMatch(/invalid JSON/);
    expect(byLine[3]).toMatch(/^text: .*not a prompt/);
    expect(byLine[4]).toMatch(/^prompt: /);
    expect(byLine[8]).toMatch(/^split: /);
    expect(byLine[9]).toMatch(/^prompt: missing/);
    expect(byLine[11]).toMatch(/^gold.ranking: /);
    expect(byLine[12]).toMatch(/JSON object/);
    expect(res.duplicates).toEqual([{ line: 7, error: "prompt: duplicate of line 1 in this file" }]);
    expect(res.imported).toBe(5);
    const prompts = await db.prompt.findMany({ where: { projectId: project.id }, include: { responses: true, tasks: true } });
    const byText = Object.fromEntries(prompts.map((p) => [p.text, p]));
    // {"prompt","chosen","rejected"}: two responses, a pairwise task
    expect(byText["Which answer is more polite?"].responses).toHaveLength(2);
    expect(byText["Which answer is more polite?"].tasks.map((t) => t.kind).sort()).toEqual(["DEMONSTRATION", "PAIRWISE"]);
    // {"prompt","completion"}: one response, no comparison task
    expect(byText["What is 2 + 2?"].tasks.map((t) => t.kind)).toEqual(["DEMONSTRATION"]);
    // messages ending with an assistant turn: the answer is a response, the prompt is the user turn
    expect(byText["Hi, can you help me plan a birthday party?"].responses.map((r) => r.text)).toEqual(["Of course! How many guests?"]);
    // three responses with RANKING and PAIRWISE: one ranking task of 3
    expect(byText["Tell me a fun fact about octopuses."].tasks.map((t) => t.kind).sort()).toEqual(["DEMONSTRATION", "RANKING"]);
  });

  it("all-or-nothing stores nothing when any line is bad", async () => {
    const admin = await createUser({ role: "ADMIN" });
    const project = await createProject();
    const res = await importPrompts({ projectId: project.id, createdById: admin.id, fileName: "bad-lines.jsonl", mode: "all_or_nothing", format: "jsonl", source: fileStream("bad-lines.jsonl") });
    expect(res.imported).toBe(0);
    expect(res.rejected.length).toBe(7);
    expect(await db.prompt.count({ where: { projectId: project.id } })).toBe(0);
    expect(await db.task.count({ where: { projectId: project.id } })).toBe(0);
    const job = await db.importJob.findUniqueOrThrow({ where: { id: res.importId } });
    expect(job.rejected).toBe(7);
  });

  it("reports prompts already in the project as duplicates (normalised: case and spaces)", async () => {
    const admin = await createUser({ role: "ADMIN" });
    const project = await createProject();
    await importPrompts({ projectId: project.id, createdById: admin.id, fileName: "a", mode: "partial", format: "jsonl", source: streamOf(jsonlOf([{ prompt: "Why is the sky blue?" }])) });
    const res = await importPrompts({
      projectId: project.id, createdById: admin.id, fileName: "b", mode: "all_or_nothing", format: "jsonl",
      source: streamOf(jsonlOf([{ prompt: "  why is the   SKY blue?" }, { prompt: "Something new" }])),
    });
    expect(res.duplicates).toEqual([{ line: 1, error: "prompt: duplicate of a prompt already in the project" }]);
    expect(res.imported).toBe(1);
  });

  it("imports CSV with quoted cells", async () => {
    const admin = await createUser({ role: "ADMIN" });
    const project = await createProject();
    const res = await importPrompts({ projectId: project.id, createdById: admin.id, fileName: "prompts.csv", mode: "partial", format: "csv", source: fileStream("prompts.csv") });
    expect(res.rejected).toEqual([]);
    expect(res.imported).toBe(11);
    const quoted = await db.prompt.findFirst({ where: { projectId: project.id, text: { contains: '"hello, world"' } } });
    expect(quoted).not.toBeNull();
  });

  it("refuses a file over the size limit with a clear message", async () => {
    const admin = await createUser({ role: "ADMIN" });
    const project = await createProject();
    await expect(
      importPrompts({ projectId: project.id, createdById: admin.id, fileName: "big", mode: "partial", format: "jsonl", source: streamOf(jsonlOf([{ prompt: "x".repeat(500) }])), maxBytes: 100 }),
    ).rejects.toThrow(/larger than the import limit/);
    expect(await db.prompt.count({ where: { projectId: project.id } })).toBe(0);
  });

  it("POST /import takes raw JSONL and multipart files; only admins", async () => {
    const admin = await createUser({ role: "ADMIN" });
    const project = await createProject();
    const raw = await importRoute(
      apiRequest(`/api/v1/projects/${project.id}/import?mode=partial`, { method: "POST", token: admin.token, body: fs.readFileSync(fixture("prompts.jsonl"), "utf8"), headers: { "content-type": "application/x-ndjson" } }),
      routeContext({ id: project.id }),
    );
    expect(raw.status).toBe(200);
    const body = await raw.json();
    expect(body.imported).toBe(13);
    const multi = await db.prompt.findFirst({ where: { projectId: project.id, text: "Which of those is quicker to make?" } });
    expect(multi?.messages).toHaveLength(4);

    const form = new FormData();
    form.append("file", new File([fs.readFileSync(fixture("prompts.csv"))], "prompts.csv", { type: "text/csv" }));
    const project2 = await createProject();
    const mp = await importRoute(new Request(`http://localhost/api/v1/projects/${project2.id}/import`, { method: "POST", headers: { authorization: `Bearer ${admin.token}` }, body: form }), routeContext({ id: project2.id }));
    expect(mp.status).toBe(200);
    expect((await mp.json()).imported).toBe(11);

    const bad = await importRoute(
      apiRequest(`/api/v1/projects/${project.id}/import?mode=sometimes`, { method: "POST", token: admin.token, body: "{}" }),
      routeContext({ id: project.id }),
    );
    expect(bad.status).toBe(422);
  });

  it("multipart upload is streamed: other fields skipped, boundaries split across chunks", async () => {
    const form = new FormData();
    form.append("note", "first field");
    const content = fs.readFileSync(fixture("rankings.jsonl"), "utf8");
    form.append("file", new File([content], "rankings.jsonl"));
    const req = new Request("http://localhost/x", { method: "POST", body: form });
    const bytes = new Uint8Array(await req.arrayBuffer());
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 7) yield bytes.slice(i, i + 7);
    }
    const part = await readMultipartFile({ body: chunks(), contentType: req.headers.get("content-type")! });
    expect(part.fileName).toBe("rankings.jsonl");
    const out: Buffer[] = [];
    for await (const c of part.stream) out.push(Buffer.from(c));
    expect(Buffer.concat(out).toString("utf8")).toBe(content);
    const noFile = new Request("http://localhost/x", { method: "POST", body: (() => { const f = new FormData(); f.append("other", "x"); return f; })() });
    const noFileBytes = new Uint8Array(await noFile.arrayBuffer());
    async function* once() {
      yield noFileBytes;
    }
    await expect(readMultipartFile({ body: once(), contentType: noFile.headers.get("content-type")! })).rejects.toThrow(/file: missing/);
  });

  it("puts responses into ranking tasks of K that overlap (see labeling-rules for the connectivity check)", () => {
    const plan = (responses: number, taskKinds: ("DEMONSTRATION" | "RANKING" | "PAIRWISE")[], k = 4) =>
      planImportTasks({ responses, taskKinds, responsesPerTask: k }).map((t) => `${t.kind[0]}:${t.responseIndexes.join("")}`);
    expect(plan(0, ["DEMONSTRATION", "RANKING"])).toEqual(["D:"]);
    expect(plan(1, ["RANKING"])).toEqual([]);
    expect(plan(4, ["RANKING"])).toEqual(["R:0123"]);
    expect(plan(5, ["RANKING"])).toEqual(["R:0123", "R:1234"]);
    expect(plan(7, ["RANKING"])).toEqual(["R:0123", "R:3456"]);
    expect(plan(9, ["RANKING"])).toEqual(["R:0123", "R:3456", "R:5678"]);
    expect(plan(2, ["RANKING", "PAIRWISE"])).toEqual(["P:01"]);
    expect(plan(3, ["RANKING", "PAIRWISE"])).toEqual(["R:012"]);
    // only PAIRWISE: a chain of pairs, so every response is compared with the others through it
    expect(plan(5, ["PAIRWISE"])).toEqual(["P:01", "P:12", "P:23", "P:34"]);
  });

  it("rlhf import CLI imports a file as the first admin", async () => {
    await createUser({ role: "ADMIN" });
    const project = await createProject();
    const code = await runImportCli(["--project", project.id, fixture("rankings.jsonl"), "--mode", "all_or_nothing"]);
    expect(code).toBe(0);
    expect(await db.prompt.count({ where: { projectId: project.id } })).toBe(10);
  });
});
