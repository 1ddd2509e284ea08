// The playground's streaming protocol, shared by the route (lib/server/models/generate-stream.ts), the
// worker's generate job (workers/jobs/generate.ts) and the page. No "server-only": the worker imports it.
//
//   browser --POST {messages, sampling}--> route --LISTEN rlhf_gen_<id>, send "generate" job {channel}--> worker
//   worker  --NOTIFY rlhf_gen_<id> {text} (every ~100 ms) ... {done, text}-->  route --SSE token/done--> browser
//   browser closes the stream (Stop) --> route --NOTIFY rlhf_gen_<id>_stop--> worker stops at the next token
import { z } from "zod";
import type { TGenerateJob } from "../../schemas/training.ts";

export const ZChatMessage = z.object({ role: z.enum(["system", "user", "assistant"]), content: z.string().max(20_000) });
export type TChatMessage = z.infer<typeof ZChatMessage>;

/** POST /api/v1/models/{id}/generate/stream: a conversation ending with the user's turn, and sampling. */
export const ZGenerateStreamRequest = z.object({
  messages: z
    .array(ZChatMessage)
    .min(1)
    .max(64)
    .refine((m) => m.at(-1)?.role === "user" && m.at(-1)!.content.trim().length > 0, "the last message must be a non-empty user turn"),
  maxTokens: z.number().int().min(1).max(512).optional(),
  temperature: z.number().min(0).max(5).optional(),
  topK: z.number().int().min(0).max(1000).optional(),
  topP: z.number().gt(0).max(1).optional(),
  seed: z.number().int().min(0).optional(),
});
export type TGenerateStreamRequest = z.infer<typeof ZGenerateStreamRequest>;

/** A "generate" job that streams: one conversation, partial text sent on `channel` (pg NOTIFY). */
export type TGenerateStreamJob = TGenerateJob & { messages?: TChatMessage[]; channel?: string };

/** What the worker sends on the channel (JSON, under PostgreSQL's 8000-byte NOTIFY limit). */
/** promptTokensDropped: tokens cut from the conversation's start because it alone did not fit the model. */
export type TStreamNotice = { text: string; done?: false } | { done: true; text: string; stopped?: boolean; promptTokensDropped?: number } | { error: string };

/** What the route streams to the browser as Server-Sent Events (`event: <type>`, `data: <json>`). */
export type TStreamEvent =
  | { type: "token"; text: string }
  | { type: "done"; text: string; stopped?: boolean; promptTokensDropped?: number }
  | { type: "error"; message: string };

/** Channel names are identifiers: lower-case letters, digits and "_" only. */
export function streamChannel(requestId: string): string {
  return `rlhf_gen_${requestId.replace(/[^a-z0-9]/gi, "").toLowerCase()}`;
}
export const stopChannel = (channel: string) => `${channel}_stop`;

/** Longest JSON payload the worker NOTIFYs (bytes); a longer one is skipped (the route then reads the job's output). */
export const NOTIFY_PAYLOAD_LIMIT = 7900;
