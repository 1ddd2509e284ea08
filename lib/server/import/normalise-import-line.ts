import "server-only";
import crypto from "node:crypto";
import { ZChatMessage, ZImportLine, type TChatMessage } from "@/lib/schemas/labeling";
import { findUnstorableJson } from "@/lib/server/input/find-unstorable-json";

// One parsed line of an import file turned into the prompt, responses and gold answer to store, or the
// reason it is refused (naming the field). Pure: no database.

export type TImportItem = {
  /** Single-turn text; for multi-turn prompts the last user turn. */
  text: string;
  /** The conversation up to and including the last user turn, when it has more than that one turn. */
  messages: TChatMessage[] | null;
  responses: string[];
  split: "TRAIN" | "EVAL";
  metadata: Record<string, unknown> | null;
  gold: { ranking?: number[][]; text?: string } | null;
  /** SHA-256 of the normalised prompt (duplicate detection within a project). */
  contentHash: string;
};

export type TNormaliseResult = { ok: true; item: TImportItem } | { ok: false; error: string };

/** Unicode NFKC, whitespace collapsed, trimmed, lower-cased: "Hello  World " and "hello world" are one prompt. */
function normaliseText(s: string): string {
  return s.normalize("NFKC").replace(/\s+/g, " ").trim().toLowerCase();
}

function promptHash(text: string, messages: TChatMessage[] | null): string {
  const basis = messages ? JSON.stringify(messages.map((m) => [m.role, normaliseText(m.content)])) : normaliseText(text);
  return crypto.createHash("sha256").update(basis).digest("hex");
}

/** TRL conversational values: a list of messages; the assistant turns' text is the answer. */
function assistantText(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  const parsed = ZChatMessage.array().safeParse(v);
  if (!parsed.success) return v;
  return parsed.data.filter((m) => m.role === "assistant").map((m) => m.content).join("\n\n") || v;
}

export function normaliseImportLine(raw: unknown): TNormaliseResult {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return { ok: false, error: "line must be a JSON object" };
  // Refused here, per line, rather than failing the whole import's transaction in the database.
  const unstorable = findUnstorableJson(raw);
  if (unstorable) return { ok: false, error: `${unstorable.path}: ${unstorable.message}` };
  const obj = { ...(raw as Record<string, unknown>) };
  if ("text" in obj && !("prompt" in obj) && !("messages" in obj)) {
    return { ok: false, error: 'text: a {"text"} row is pretraining text, not a prompt; give "prompt" or "messages"' };
  }
  // TRL conversational shapes: "prompt" as a list of messages, "completion"/"chosen"/"rejected" as assistant turns.
  if (Array.isArray(obj.prompt) && !("messages" in obj)) {
    obj.messages = obj.prompt;
    delete obj.prompt;
  }
  for (const k of ["completion", "chosen", "rejected"] as const) if (k in obj) obj[k] = assistantText(obj[k]);

  const parsed = ZImportLine.safeParse(obj);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `${issue.path.join(".") || "line"}: ${issue.message}` };
  }
  const line = parsed.data;
  if (line.prompt && line.messages) return { ok: false, error: 'prompt: give either "prompt" or "messages", not both' };
  if (!line.prompt && !line.messages) return { ok: false, error: 'prompt: missing (give "prompt" or "messages")' };
  if ((line.chosen === undefined) !== (line.rejected === undefined)) {
    return { ok: false, error: `${line.chosen === undefined ? "chosen" : "rejected"}: missing ("chosen" and "rejected" come together)` };
  }

  const responses: string[] = [...(line.responses ?? [])];
  let text: string;
  let messages: TChatMessage[] | null = null;
  if (line.messages) {
    const turns = [...line.messages];
    // A final assistant turn (TRL chat SFT rows) is an answer to the conversation before it.
    if (turns.at(-1)?.role === "assistant") {
      const answer = turns.pop()!.content.trim();
      if (answer) responses.push(answer);
    }
    const last = turns.at(-1);
    if (!last || last.role !== "user") {
      return { ok: false, error: "messages: the conversation must end with a user turn (optionally followed by one assistant answer)" };
    }
    if (!last.content.trim()) return { ok: false, error: `messages.${turns.length - 1}.content: must not be empty` };
    text = last.content.trim();
    messages = turns.length > 1 ? turns : null;
  } else {
    text = line.prompt!;
  }
  if (line.completion) responses.push(line.completion);
  const metadata: Record<string, unknown> | null = line.metadata ? { ...line.metadata } : null;
  if (line.chosen !== undefined && line.rejected !== undefined) {
    responses.push(line.chosen, line.rejected);
  }

  let gold: TImportItem["gold"] = null;
  if (line.gold) {
    gold = {};
    if (line.gold.ranking) {
      const n = responses.length;
      const seen = line.gold.ranking.flat();
      const complete = seen.length === n && new Set(seen).size === n && seen.every((i) => i < n);
      if (n < 2 || !complete) {
        return { ok: false, error: `gold.ranking: must list each response index 0..${Math.max(n - 1, 0)} exactly once (this line has ${n} responses)` };
      }
      gold.ranking = line.gold.ranking;
    }
    if (line.gold.text) gold.text = line.gold.text;
  }

  return {
    ok: true,
    item: {
      text,
      messages,
      responses,
      split: line.split === "eval" ? "EVAL" : "TRAIN",
      metadata: line.chosen !== undefined ? { ...(metadata ?? {}), preference: { chosen: 0 + responses.length - 2, rejected: responses.length - 1 } } : metadata,
      gold,
      contentHash: promptHash(text, messages),
    },
  };
}
