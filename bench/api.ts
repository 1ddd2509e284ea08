// Labeling API benchmark: N simulated labelers (API tokens) claim and submit ranking tasks against a
// running instance, as fast as they can, until nothing is left. Prints throughput, p50/p95/p99 latency
// per endpoint, errors and the number of over-labeled items (must be 0) as JSON.
//
//   DATABASE_URL=... npm run bench:api -- [--url http://localhost:3000] [--labelers 100] [--items 500]
//                                         [--labels-per-item 2] [--responses 4] [--think-ms 0]
// --think-ms: each labeler pauses about this long (uniform 0.5x to 1.5x) between submitting and asking
// for the next task, like a person reading; 0 (the default) hammers the server back to back.
//
// Setup (project, prompts, labelers with tokens) goes straight to the database the server uses
// (DATABASE_URL); all measured traffic goes through HTTP.
import crypto from "node:crypto";
import { parseArgs } from "node:util";
import { db } from "@/lib/db";
import { importPrompts } from "@/lib/server/import/import-prompts";
import { createApiToken } from "@/lib/server/tokens/create-api-token";
import type { TNextTaskResponse } from "@/lib/schemas/labeling";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://localhost:3000" },
    labelers: { type: "string", default: "100" },
    items: { type: "string", default: "500" },
    "labels-per-item": { type: "string", default: "2" },
    responses: { type: "string", default: "4" },
    "think-ms": { type: "string", default: "0" },
  },
});
const url = values.url!.replace(/\/$/, "");
const labelers = Number(values.labelers);
const items = Number(values.items);
const labelsPerItem = Number(values["labels-per-item"]);
const responses = Number(values.responses);
const thinkMs = Number(values["think-ms"]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[i] * 100) / 100;
}
function summary(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: percentile(s, 100) };
}

async function setup() {
  const tag = crypto.randomUUID().slice(0, 8);
  const admin = await db.user.create({ data: { email: `bench-admin-${tag}@bench.local`, role: "ADMIN" } });
  const project = await db.project.create({
    data: { name: `bench-${tag}`, responsesPerTask: responses, labelsPerItem, taskKinds: ["RANKING"], createdById: admin.id },
  });
  const lines = Array.from({ length: items }, (_, i) =>
    JSON.stringify({ prompt: `Bench prompt ${tag} #${i}: explain item ${i}.`, responses: Array.from({ length: responses }, (_, j) => `Answer ${j} for ${i}`) }),
  ).join("\n");
  await importPrompts({
    projectId: project.id, createdById: admin.id, fileName: "bench.jsonl", mode: "all_or_nothing", format: "jsonl",
    source: (async function* () { yield new TextEncoder().encode(lines); })(),
  });
  const tokens: string[] = [];
  for (let i = 0; i < labelers; i++) {
    const u = await db.user.create({ data: { email: `bench-${tag}-${i}@bench.local`, role: "LABELER" } });
    await db.projectMember.create({ data: { projectId: project.id, userId: u.id } });
    tokens.push((await createApiToken({ userId: u.id, name: "bench" })).token);
  }
  return { projectId: project.id, tokens };
}

async function main() {
  const { projectId, tokens } = await setup();
  const claim: number[] = [];
  const submit: number[] = [];
  let errors = 0;
  const errorSamples: string[] = [];
  const call = async (path: string, token: string, init: RequestInit = {}) => {
    const t0 = performance.now();
    const res = await fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...(init.headers ?? {}) } });
    const body = res.status === 204 ? null : await res.text();
    return { res, body, ms: performance.now() - t0 };
  };

  // Warm-up: one claim per route so the first compile / connection setup is not measured.
  await call(`/api/v1/projects/${projectId}/tasks/next?kind=ranking`, tokens[0]);

  const started = performance.now();
  await Promise.all(
    tokens.map(async (token, i) => {
      // Labelers start spread over one think time, not all in the same millisecond.
      if (thinkMs > 0) await sleep((thinkMs * i) / tokens.length);
      for (;;) {
        const c = await call(`/api/v1/projects/${projectId}/tasks/next?kind=ranking`, token);
        claim.push(c.ms);
        if (c.res.status === 204) return;
        if (c.res.status !== 200) {
          errors++;
          if (errorSamples.length < 5) errorSamples.push(`claim ${c.res.status} ${c.body?.slice(0, 200)}`);
          return;
        }
        const task = JSON.parse(c.body!) as TNextTaskResponse;
        const ranking = task.responses.map((r) => [r.id]);
        const s = await call(`/api/v1/tasks/${task.id}/submit`, token, { method: "POST", body: JSON.stringify({ ranking, orderAction: "confirmed", timeSpentMs: 1000 }) });
        submit.push(s.ms);
        if (s.res.status !== 200) {
          errors++;
          if (errorSamples.length < 5) errorSamples.push(`submit ${s.res.status} ${s.body?.slice(0, 200)}`);
        }
        if (thinkMs > 0) await sleep(thinkMs * (0.5 + Math.random()));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;

  const over = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM "Task" t
    WHERE t."projectId" = ${projectId}
      AND (t."labelsDone" > t."labelsNeeded" OR (SELECT count(*) FROM "Ranking" r WHERE r."taskId" = t.id) > t."labelsNeeded")`;
  const labels = await db.ranking.count({ where: { task: { projectId } } });
  console.log(JSON.stringify({
    url, labelers, items, labelsPerItem, responsesPerTask: responses, thinkMs,
    seconds: Math.round(seconds * 100) / 100,
    requests: claim.length + submit.length,
    throughputRps: Math.round(((claim.length + submit.length) / seconds) * 10) / 10,
    labelsPerSecond: Math.round((submit.length / seconds) * 10) / 10,
    latencyMs: { all: summary([...claim, ...submit]), claim: summary(claim), submit: summary(submit) },
    errors, errorSamples,
    labelsSubmitted: labels, labelsExpected: items * labelsPerItem,
    overLabeled: over[0].n,
  }, null, 2));
  await db.$disconnect();
  process.exit(over[0].n === 0 && errors === 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
