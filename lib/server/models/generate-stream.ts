import "server-only";
import crypto from "node:crypto";
import pg from "pg";
import type { TSessionUser } from "@/lib/auth";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { JOB, type TGenerateJobResult } from "@/lib/schemas/training";
import { enqueueJob, getQueue } from "@/lib/server/runs/job-queue";
import { requireModelAccess } from "@/lib/server/models/get-model";
import { stopChannel, streamChannel, type TGenerateStreamJob, type TGenerateStreamRequest, type TStreamEvent, type TStreamNotice } from "@/lib/server/models/generate-stream-protocol";

/** Streams open in this web process: in all, and per user (each holds a database connection). */
const open = { total: 0, byUser: new Map<string, number>() };

/**
 * Takes a stream slot for the user, or refuses with 429 naming the limit; the returned function gives
 * the slot back (once, however often it is called).
 */
function takeStreamSlot(userId: string, limits: { total: number; perUser: number }): () => void {
  const mine = open.byUser.get(userId) ?? 0;
  if (mine >= limits.perUser) {
    throw new AppError("RATE_LIMITED", `You already have ${mine} answer${mine === 1 ? "" : "s"} streaming, the most one person may have at once (PLAYGROUND_MAX_STREAMS_PER_USER); stop one or wait for it to finish`);
  }
  if (open.total >= limits.total) {
    throw new AppError("RATE_LIMITED", `The playground is busy: ${open.total} answers are streaming, the most at once (PLAYGROUND_MAX_STREAMS); try again when one finishes`);
  }
  open.total += 1;
  open.byUser.set(userId, mine + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    open.total -= 1;
    const left = (open.byUser.get(userId) ?? 1) - 1;
    if (left > 0) open.byUser.set(userId, left);
    else open.byUser.delete(userId);
  };
}

/**
 * Answers a conversation with a version, streamed: a Server-Sent Events response of `token` events
 * (the answer so far), then one `done` (or `error`). The worker sends the text on a PostgreSQL channel
 * (LISTENed here before the job is sent); the job's state is polled too, so a lost notice or a dead
 * worker still ends the stream. Closing the response (the page's Stop) stops the worker's generation.
 */
export async function generateStream(options: {
  user: TSessionUser;
  versionId: string;
  request: TGenerateStreamRequest;
  signal?: AbortSignal;
  timeoutMs?: number;
  pollMs?: number;
  /** Streams open at once in this process, in all and per user (default: PLAYGROUND_MAX_STREAMS[_PER_USER]). */
  limits?: { total: number; perUser: number };
}): Promise<Response> {
  const v = await requireModelAccess(options.user, options.versionId, "review");
  if (v.kind === "RM") throw new AppError("INVALID_INPUT", "A reward model does not generate text");
  if (!v.artifactPath) throw new AppError("CONFLICT", "The version has no model files");
  const r = options.request;
  const channel = streamChannel(crypto.randomUUID());
  const boss = await getQueue();

  const release = takeStreamSlot(options.user.id, options.limits ?? { total: env().PLAYGROUND_MAX_STREAMS, perUser: env().PLAYGROUND_MAX_STREAMS_PER_USER });
  const client = new pg.Client({ connectionString: env().DATABASE_URL });
  let jobId: string;
  try {
    await client.connect();
    await client.query(`LISTEN ${channel}`);
    const lastUser = r.messages[r.messages.length - 1].content;
    const job: TGenerateStreamJob = { versionId: v.id, prompts: [lastUser], messages: r.messages, channel, maxTokens: r.maxTokens, temperature: r.temperature, topK: r.topK, topP: r.topP, seed: r.seed };
    jobId = await enqueueJob(JOB.generate, job);
  } catch (err) {
    release();
    await client.end().catch(() => {});
    throw err;
  }

  const encoder = new TextEncoder();
  let closed = false;
  let timers: NodeJS.Timeout[] = [];
  let finish: (stop: boolean) => Promise<void> = async () => {};

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (e: TStreamEvent) => {
        if (closed) return;
        const { type, ...data } = e;
        controller.enqueue(encoder.encode(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`));
      };
      /** Ends the stream once; `stop`: the browser left before the answer was done, so stop the worker. */
      finish = async (stop: boolean) => {
        if (closed) return;
        closed = true;
        release();
        timers.forEach(clearInterval);
        timers = [];
        if (stop) {
          await client.query("SELECT pg_notify($1, '{}')", [stopChannel(channel)]).catch(() => {});
          await boss.cancel(JOB.generate, jobId).catch(() => {});
        }
        await client.end().catch(() => {});
        try {
          controller.close();
        } catch {
          // already closed or cancelled by the browser
        }
      };
      const end = (e: TStreamEvent) => {
        send(e);
        void finish(false);
      };

      client.on("notification", (n) => {
        if (n.channel !== channel || !n.payload) return;
        let notice: TStreamNotice;
        try {
          notice = JSON.parse(n.payload) as TStreamNotice;
        } catch {
          return;
        }
        if ("error" in notice) end({ type: "error", message: `The generate job failed: ${notice.error}` });
        else if (notice.done) end({ type: "done", text: notice.text, stopped: notice.stopped, promptTokensDropped: notice.promptTokensDropped ?? 0 });
        else send({ type: "token", text: notice.text });
      });
      client.on("error", () => end({ type: "error", message: "Lost the connection to the database" }));

      // The job's state: the answer when a notice was too long or lost, failures, a missing worker.
      const deadline = Date.now() + (options.timeoutMs ?? 120_000);
      const poll = async () => {
        const job = await boss.getJobById<object>(JOB.generate, jobId, { includeArchive: true }).catch(() => null);
        if (closed) return;
        if (job?.state === "completed") {
          const out = job.output as TGenerateJobResult;
          end({ type: "done", text: out.completions?.[0] ?? "", promptTokensDropped: out.promptTokensDropped?.[0] ?? 0 });
        }
        else if (job?.state === "failed" || job?.state === "cancelled") end({ type: "error", message: `The generate job ${job.state === "failed" ? "failed" : "was cancelled"}` });
        else if (Date.now() > deadline) {
          send({ type: "error", message: "The generate job did not finish in time (is the worker running?)" });
          void finish(true);
        }
      };
      timers.push(setInterval(() => void poll(), options.pollMs ?? 1_000));
      // A comment line now and then keeps proxies from closing an idle stream.
      timers.push(setInterval(() => !closed && controller.enqueue(encoder.encode(": keep-alive\n\n")), 15_000));
      options.signal?.addEventListener("abort", () => void finish(true), { once: true });
    },
    cancel() {
      return finish(true);
    },
  });

  return new Response(body, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", connection: "keep-alive", "x-accel-buffering": "no" },
  });
}
