// Job "generate": answers prompts with one model version (the playground, the API). Returns
// {completions}, read by the web app from the job's output. A streaming job (the playground's, with a
// `channel`) answers one conversation and sends the text so far on that channel with PostgreSQL NOTIFY
// as it grows; a NOTIFY on `<channel>_stop` stops it at the next token. See
// lib/server/models/generate-stream-protocol.ts.
import path from "node:path";
import pg from "pg";
import { db } from "../../lib/db.ts";
import { env } from "../../lib/env.ts";
import type { TGenerateJobResult } from "../../lib/schemas/training.ts";
import { NOTIFY_PAYLOAD_LIMIT, stopChannel, type TGenerateStreamJob, type TStreamNotice } from "../../lib/server/models/generate-stream-protocol.ts";
import { generateText, openGenerator, type TextGenerator, type TPromptFit } from "../engine.ts";
import { artifactsDir } from "./data.ts";

/** Text PostgreSQL can store: no NUL characters (an untrained byte-level model can emit them), trimmed. */
export function cleanText(text: string): string {
  return text.replace(/\u0000/g, "").replace(/[\ud800-\udfff]/g, "\ufffd").trim();
}

/** Generation with the engine, cleaned for storage. */
export async function generateClean(o: Parameters<typeof generateText>[0]): Promise<string> {
  return cleanText(await generateText(o));
}

/**
 * Runs `use` with one loaded generator per model directory (each loaded on first use, all disposed
 * after): jobs that write many answers load each model once, not once per answer.
 */
export async function withGenerators<T>(use: (answer: (modelDir: string, o: Parameters<TextGenerator["generate"]>[0]) => Promise<string>) => Promise<T>): Promise<T> {
  const open = new Map<string, Promise<TextGenerator>>();
  try {
    return await use(async (modelDir, o) => {
      let g = open.get(modelDir);
      if (!g) open.set(modelDir, (g = openGenerator(modelDir)));
      return cleanText(await (await g).generate(o));
    });
  } finally {
    for (const g of open.values()) await g.then((x) => x.dispose(), () => {});
  }
}

export async function versionDir(versionId: string): Promise<string> {
  const v = await db.modelVersion.findUnique({ where: { id: versionId }, select: { artifactPath: true, kind: true } });
  if (!v?.artifactPath) throw new Error(`model version ${versionId} not found or has no files`);
  if (v.kind === "RM") throw new Error("a reward model does not generate text");
  return path.join(artifactsDir(), v.artifactPath);
}

export interface GenerateJobOptions {
  /** Least time between two partial-text notices of a streaming job (ms; default 100). */
  streamIntervalMs?: number;
}

export async function runGenerateJob(job: TGenerateStreamJob, options: GenerateJobOptions = {}): Promise<TGenerateJobResult> {
  const modelDir = await versionDir(job.versionId);
  const sampling = { modelDir, maxNewTokens: job.maxTokens ?? 64, temperature: job.temperature ?? 0.8, topK: job.topK, topP: job.topP, log: () => {} };
  if (job.channel) {
    const { text, promptTokensDropped } = await streamOne(job.channel, { ...sampling, prompt: job.messages ?? job.prompts[0], seed: job.seed ?? 0 }, options);
    return { completions: [text], promptTokensDropped: [promptTokensDropped] };
  }
  const { maxNewTokens, temperature, topK, topP } = sampling;
  return withGenerators(async (answer) => {
    const completions: string[] = [];
    const promptTokensDropped: number[] = [];
    for (const [i, prompt] of job.prompts.entries()) {
      let fit: TPromptFit | undefined;
      completions.push(await answer(modelDir, { maxNewTokens, temperature, topK, topP, prompt, seed: (job.seed ?? 0) + i, onFit: (f) => (fit = f) }));
      promptTokensDropped.push(fit?.promptTokensDropped ?? 0);
    }
    return { completions, promptTokensDropped };
  });
}

/** One answer, its text so far NOTIFYed on `channel` at most every `streamIntervalMs`, then {done}. */
async function streamOne(channel: string, o: Parameters<typeof generateText>[0], options: GenerateJobOptions): Promise<{ text: string; promptTokensDropped: number }> {
  if (!/^rlhf_gen_[a-z0-9]{1,40}$/.test(channel)) throw new Error(`invalid stream channel ${JSON.stringify(channel)}`);
  const client = new pg.Client({ connectionString: env().DATABASE_URL });
  await client.connect();
  const notify = async (notice: TStreamNotice) => {
    const payload = JSON.stringify(notice);
    if (Buffer.byteLength(payload) <= NOTIFY_PAYLOAD_LIMIT) await client.query("SELECT pg_notify($1, $2)", [channel, payload]);
  };
  let stopped = false;
  try {
    client.on("notification", (n) => {
      if (n.channel === stopChannel(channel)) stopped = true;
    });
    await client.query(`LISTEN ${stopChannel(channel)}`);
    const interval = options.streamIntervalMs ?? 100;
    let last = 0;
    let sent = "";
    let promptTokensDropped = 0;
    const raw = await generateText({
      ...o,
      onFit: (fit) => (promptTokensDropped = fit.promptTokensDropped),
      onToken: async (textSoFar) => {
        if (stopped) return false;
        const text = cleanText(textSoFar);
        if (Date.now() - last >= interval && text !== sent) {
          last = Date.now();
          sent = text;
          await notify({ text });
        }
      },
    });
    const text = cleanText(raw);
    await notify({ done: true, text, stopped, promptTokensDropped });
    return { text, promptTokensDropped };
  } catch (err) {
    await notify({ error: (err as Error).message.slice(0, 2000) }).catch(() => {});
    throw err;
  } finally {
    await client.end().catch(() => {});
  }
}
