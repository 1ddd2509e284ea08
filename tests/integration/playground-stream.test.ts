import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSseEvents } from "@/lib/sse";
import pg from "pg";
import { db } from "@/lib/db";
import { JOB } from "@/lib/schemas/training";
import { createRun } from "@/lib/server/runs/create-run";
import { getQueue, stopQueue } from "@/lib/server/runs/job-queue";
import { stopChannel, streamChannel, type TGenerateStreamJob } from "@/lib/server/models/generate-stream-protocol";
import * as stream from "@/app/api/v1/models/[id]/generate/stream/route";
import { runTrainingJob } from "@/workers/jobs/training-run";
import { runGenerateJob } from "@/workers/jobs/generate";
import { apiRequest, createMember, createProject, createUser, routeContext, type TTestUser } from "../helpers/factories";

// The playground's streaming: POST /api/v1/models/{id}/generate/stream answers a conversation as
// Server-Sent Events while the worker's "generate" job (run here in-process, as the worker would)
// NOTIFYs the text so far. A tiny model trained for a few steps; its words are noise, their arrival is not.

type Ev = { event: string; data: Record<string, unknown> };
let users: Record<"admin" | "reviewer" | "labeler" | "outsider", TTestUser>;
let versionId: string;
const conversation = [
  { role: "user", content: "Say red" },
  { role: "assistant", content: "red red" },
  { role: "user", content: "Say blue" },
];

beforeAll(async () => {
  const admin = await createUser({ role: "ADMIN" });
  const project = await createProject({ createdById: admin.id });
  const reviewer = await createMember(project.id, { role: "LABELER", projectRole: "REVIEWER" });
  const labeler = await createMember(project.id, { role: "LABELER" });
  const outsider = await createMember((await createProject()).id, { role: "REVIEWER", projectRole: "REVIEWER" });
  users = { admin, reviewer, labeler, outsider };
  const corpus = ["red", "blue", "green", "cat", "dog", "sun"].flatMap((w) => [`Say ${w}. ${w} ${w}.`, `The ${w} is here.`]);
  const { id } = await createRun({ projectId: project.id, createdById: admin.id, request: { stages: ["pretrain"], config: { maxSteps: 3, batchSize: 4, maxLength: 32, evalInterval: 0, corpus } } });
  expect(await runTrainingJob(id, { evaluate: false })).toBe("succeeded");
  versionId = (await db.modelVersion.findFirstOrThrow({ where: { stage: { runId: id } } })).id;
});

afterAll(async () => {
  await stopQueue();
});

function post(token: string | undefined, json: unknown) {
  return stream.POST(apiRequest(`/api/v1/models/${versionId}/generate/stream`, { method: "POST", token, json }), routeContext({ id: versionId }));
}

/** Plays the worker: takes the next generate job and runs it, partial text sent at every token. */
async function work() {
  const boss = await getQueue();
  for (let i = 0; i < 200; i++) {
    const [job] = await boss.fetch<TGenerateStreamJob>(JOB.generate);
    if (job) {
      const output = await runGenerateJob(job.data, { streamIntervalMs: 0 });
      await boss.complete(JOB.generate, job.id, output);
      return { job, output };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("no generate job was sent");
}

/** Server-Sent Events of a response, until it ends or `until` says stop (then the reader is cancelled). */
async function readEvents(res: Response, until?: (e: Ev) => boolean): Promise<Ev[]> {
  const events: Ev[] = [];
  await readSseEvents(res.body!, (e) => {
    events.push(e as Ev);
    return until?.(e as Ev) ?? false;
  });
  return events;
}

describe("playground streaming", () => {
  it("reviewer chats with a version and sees the answer arrive in several chunks, then the final text", async () => {
    const res = await post(users.reviewer.token, { messages: conversation, maxTokens: 40, temperature: 1, topK: 50, seed: 3 });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const [events, worked] = await Promise.all([readEvents(res), work()]);
    const tokens = events.filter((e) => e.event === "token").map((e) => String(e.data.text));
    const done = events.filter((e) => e.event === "done");
    expect(tokens.length).toBeGreaterThanOrEqual(3);
    expect(new Set(tokens).size).toBe(tokens.length); // each chunk is new text
    expect(done).toHaveLength(1);
    expect(events[events.length - 1].event).toBe("done");
    expect(done[0].data.text).toBe(worked.output.completions[0]);
    expect(String(done[0].data.text).length).toBeGreaterThanOrEqual(tokens[tokens.length - 1].length);
    // The job carried the whole conversation (the chat template renders previous turns).
    expect(worked.job.data.messages).toEqual(conversation);
  });

  it("admin may stream too, and the same seed gives the same answer", async () => {
    const body = { messages: [{ role: "user", content: "Say sun" }], maxTokens: 12, temperature: 0.7, seed: 5 };
    const a = await Promise.all([post(users.admin.token, body).then((r) => readEvents(r)), work()]);
    const b = await Promise.all([post(users.reviewer.token, body).then((r) => readEvents(r)), work()]);
    expect(a[0].at(-1)!.data.text).toBe(b[0].at(-1)!.data.text);
  });

  it("closing the stream (Stop) cancels the job and the worker stops early", async () => {
    const body = { messages: [{ role: "user", content: "Say dog" }], maxTokens: 50, temperature: 1, seed: 7 };
    const res = await post(users.reviewer.token, body);
    const [events, worked] = await Promise.all([readEvents(res, (e) => e.event === "token"), work()]);
    expect(events.at(-1)!.event).toBe("token");
    const boss = await getQueue();
    await expect.poll(async () => (await boss.getJobById(JOB.generate, worked.job.id, { includeArchive: true }))?.state).toBe("cancelled");
  });

  it("the worker stops generating at the next token after a stop notice", async () => {
    const channel = streamChannel(crypto.randomUUID());
    const job = { versionId, prompts: ["Say cat"], maxTokens: 50, temperature: 1, seed: 11 };
    const full = (await runGenerateJob(job)).completions[0];
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      await client.query(`LISTEN ${channel}`);
      let sent = false;
      client.on("notification", () => {
        if (!sent) void client.query("SELECT pg_notify($1, '{}')", [stopChannel(channel)]);
        sent = true;
      });
      const stopped = (await runGenerateJob({ ...job, channel }, { streamIntervalMs: 0 })).completions[0];
      expect(full.length).toBeGreaterThan(5);
      expect(stopped.length).toBeLessThan(full.length);
      expect(full.startsWith(stopped)).toBe(true);
    } finally {
      await client.end();
    }
  });

  it("labelers, members of other projects and anonymous callers are refused; bad input is 422", async () => {
    const body = { messages: [{ role: "user", content: "hi" }] };
    expect((await post(undefined, body)).status).toBe(401);
    expect((await post(users.labeler.token, body)).status).toBe(403);
    expect((await post(users.outsider.token, body)).status).toBe(404);
    expect((await post(users.reviewer.token, { messages: [] })).status).toBe(422);
    expect((await post(users.reviewer.token, { messages: [{ role: "assistant", content: "hi" }] })).status).toBe(422);
    expect((await post(users.reviewer.token, { messages: [{ role: "user", content: "hi" }], topP: 0 })).status).toBe(422);
  });
  it("a person may have two answers streaming at once (PLAYGROUND_MAX_STREAMS_PER_USER); the third is 429 until one ends", async () => {
    const body = { messages: [{ role: "user", content: "Say green" }], maxTokens: 8 };
    const first = await post(users.reviewer.token, body);
    const second = await post(users.reviewer.token, body);
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await post(users.reviewer.token, body);
    expect(third.status).toBe(429);
    expect((await third.json()).error).toMatch(/2 answers streaming.*PLAYGROUND_MAX_STREAMS_PER_USER/);
    // Someone else is not held up by it.
    const other = await post(users.admin.token, body);
    expect(other.status).toBe(200);
    // Stop one: the slot is free again.
    await first.body!.cancel();
    const again = await post(users.reviewer.token, body);
    expect(again.status).toBe(200);
    await Promise.all([second, other, again].map((r) => r.body!.cancel()));
    const boss = await getQueue();
    // Their jobs were cancelled with the streams: no later test's worker picks one up.
    expect(await boss.fetch(JOB.generate)).toEqual([]);
  });

  it("at the default budget the answer reads the whole conversation; a conversation longer than the model is answered from its end, and the done event says how much was left out", async () => {
    const short = await Promise.all([post(users.reviewer.token, { messages: [{ role: "user", content: "Say moon" }], temperature: 0 }).then((r) => readEvents(r)), work()]);
    expect(short[0].at(-1)).toMatchObject({ event: "done", data: { promptTokensDropped: 0 } });
    const long = await Promise.all([post(users.reviewer.token, { messages: [{ role: "user", content: "Say red. ".repeat(60) }], temperature: 0 }).then((r) => readEvents(r)), work()]);
    const done = long[0].at(-1)!;
    expect(done.event).toBe("done");
    expect(done.data.promptTokensDropped).toBeGreaterThan(0);
    expect(long[1].output.promptTokensDropped?.[0]).toBe(done.data.promptTokensDropped);
  });
});
