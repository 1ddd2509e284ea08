// Readers for the training data formats (the export formats of ANCHORS.md), with errors that name the
// file, the line and the field: "data.jsonl line 7: field 'chosen' must be a string".
//
//   pretraining   {"text": "..."}
//   SFT           {"prompt": "...", "completion": "..."}  or  {"messages": [{"role", "content"}, ...]}
//   preferences   {"prompt": "...", "chosen": "...", "rejected": "...", "group"?: id}
//                 rows sharing a group id are the C(K,2) pairs of one K-way ranking
//   RL prompts    {"prompt": "..."}  or  {"messages": [...]}
// A prompt may also be a list of messages (a conversation so far); TRL's conversational completions
// ([{"role": "assistant", "content": ...}]) are accepted where a completion string is expected.
import fs from "node:fs";
import path from "node:path";
import type { Message, Role } from "../tokenizer/chat.ts";

export type DataKind = "pretrain" | "sft" | "preferences" | "prompts";

export interface PretrainRecord {
  text: string;
}
export interface SftRecord {
  /** The conversation; loss is taken on the assistant messages. */
  messages: Message[];
}
export interface PreferenceRecord {
  prompt: Message[];
  chosen: string;
  rejected: string;
  group?: string;
}
export interface PromptRecord {
  prompt: Message[];
}
export type RecordOf<K extends DataKind> = K extends "pretrain"
  ? PretrainRecord
  : K extends "sft"
    ? SftRecord
    : K extends "preferences"
      ? PreferenceRecord
      : PromptRecord;

export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataError";
  }
}

const ROLES: Role[] = ["system", "user", "assistant"];

function fail(where: string, msg: string): never {
  throw new DataError(`${where}: ${msg}`);
}

function str(o: Record<string, unknown>, field: string, where: string): string {
  if (!(field in o)) fail(where, `missing field '${field}'`);
  if (typeof o[field] !== "string") fail(where, `field '${field}' must be a string`);
  return o[field] as string;
}

function messages(v: unknown, field: string, where: string): Message[] {
  if (!Array.isArray(v) || v.length === 0) fail(where, `field '${field}' must be a non-empty list of {role, content}`);
  return v.map((m, i) => {
    if (typeof m !== "object" || m === null) fail(where, `field '${field}[${i}]' must be an object {role, content}`);
    const r = (m as Record<string, unknown>).role;
    const c = (m as Record<string, unknown>).content;
    if (typeof r !== "string" || !ROLES.includes(r as Role)) fail(where, `field '${field}[${i}].role' must be one of ${ROLES.join(", ")}`);
    if (typeof c !== "string") fail(where, `field '${field}[${i}].content' must be a string`);
    return { role: r as Role, content: c };
  });
}

function promptOf(o: Record<string, unknown>, where: string): Message[] {
  if (!("prompt" in o)) fail(where, "missing field 'prompt'");
  if (typeof o.prompt === "string") return [{ role: "user", content: o.prompt }];
  if (Array.isArray(o.prompt)) return messages(o.prompt, "prompt", where);
  fail(where, "field 'prompt' must be a string (or a list of messages)");
}

function completionOf(o: Record<string, unknown>, field: string, where: string): string {
  const v = o[field];
  if (Array.isArray(v)) {
    const ms = messages(v, field, where);
    if (ms.some((m) => m.role !== "assistant")) fail(where, `field '${field}' must be a string (or assistant messages)`);
    return ms.map((m) => m.content).join("");
  }
  return str(o, field, where);
}

/** Validate and normalise one record; `where` prefixes errors ("data.jsonl line 7"). */
export function normalizeRecord<K extends DataKind>(kind: K, raw: unknown, where: string): RecordOf<K> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) fail(where, "each line must be a JSON object");
  const o = raw as Record<string, unknown>;
  switch (kind) {
    case "pretrain":
      return { text: str(o, "text", where) } as RecordOf<K>;
    case "sft": {
      if ("messages" in o) {
        const ms = messages(o.messages, "messages", where);
        if (!ms.some((m) => m.role === "assistant")) fail(where, "field 'messages' must contain at least one assistant message");
        return { messages: ms } as RecordOf<K>;
      }
      if (!("prompt" in o) && !("completion" in o)) fail(where, "needs either 'messages' or 'prompt' and 'completion'");
      const prompt = promptOf(o, where);
      return { messages: [...prompt, { role: "assistant", content: completionOf(o, "completion", where) }] } as RecordOf<K>;
    }
    case "preferences": {
      const rec: PreferenceRecord = { prompt: promptOf(o, where), chosen: completionOf(o, "chosen", where), rejected: completionOf(o, "rejected", where) };
      if ("group" in o && o.group !== null && o.group !== undefined) {
        if (typeof o.group !== "string" && typeof o.group !== "number") fail(where, "field 'group' must be a string or a number");
        rec.group = String(o.group);
      }
      return rec as RecordOf<K>;
    }
    case "prompts": {
      if ("prompt" in o) return { prompt: promptOf(o, where) } as RecordOf<K>;
      if ("messages" in o) {
        let ms = messages(o.messages, "messages", where);
        // A conversation that already ends with an answer: prompt with what came before it.
        while (ms.length && ms[ms.length - 1].role === "assistant") ms = ms.slice(0, -1);
        if (!ms.length) fail(where, "field 'messages' has no user message to answer");
        return { prompt: ms } as RecordOf<K>;
      }
      fail(where, "missing field 'prompt' (or 'messages')");
    }
  }
  throw new DataError(`unknown data kind ${kind as string}`);
}

/** Parse JSONL text. Blank lines are skipped; errors name `name` and the 1-based line. */
export function parseJsonl<K extends DataKind>(text: string, kind: K, name = "data.jsonl"): RecordOf<K>[] {
  const out: RecordOf<K>[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const where = `${name} line ${i + 1}`;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      fail(where, `invalid JSON (${(e as Error).message})`);
    }
    out.push(normalizeRecord(kind, raw, where));
  }
  if (out.length === 0) throw new DataError(`${name}: no records`);
  return out;
}

/** Read and parse a JSONL file. */
export function readJsonl<K extends DataKind>(file: string, kind: K): RecordOf<K>[] {
  if (!fs.existsSync(file)) throw new DataError(`${file}: no such file`);
  return parseJsonl(fs.readFileSync(file, "utf8"), kind, path.basename(file));
}

/** Validate already-parsed records (what the worker passes); errors name "record N" (1-based). */
export function normalizeRecords<K extends DataKind>(kind: K, rows: readonly unknown[], name = "data"): RecordOf<K>[] {
  if (!Array.isArray(rows) || rows.length === 0) throw new DataError(`${name}: no records`);
  return rows.map((r, i) => normalizeRecord(kind, r, `${name} record ${i + 1}`));
}

/**
 * One prompt with several ranked completions: a batch element of the reward model and DPO.
 * pairs[i] = [chosen index, rejected index] into completions; each pair weighs 1 / pairs.length.
 */
export interface PreferenceGroup {
  id: string;
  prompt: Message[];
  completions: string[];
  pairs: [number, number][];
}

/** Rebuild K-way rankings from preference rows (rows sharing `group`), other rows as single pairs. */
export function buildPreferenceGroups(rows: PreferenceRecord[]): PreferenceGroup[] {
  const groups = new Map<string, PreferenceGroup>();
  const out: PreferenceGroup[] = [];
  rows.forEach((r, i) => {
    const key = r.group !== undefined ? `g:${r.group}` : `row:${i}`;
    let g = groups.get(key);
    if (!g) {
      g = { id: r.group ?? String(i), prompt: r.prompt, completions: [], pairs: [] };
      groups.set(key, g);
      out.push(g);
    } else if (JSON.stringify(g.prompt) !== JSON.stringify(r.prompt)) {
      throw new DataError(`preference rows of group '${r.group}' have different prompts (row ${i + 1})`);
    }
    const idx = (c: string) => {
      let j = g!.completions.indexOf(c);
      if (j < 0) j = g!.completions.push(c) - 1;
      return j;
    };
    const c = idx(r.chosen);
    const rj = idx(r.rejected);
    if (c !== rj && !g.pairs.some(([a, b]) => a === c && b === rj)) g.pairs.push([c, rj]);
  });
  return out.filter((g) => g.pairs.length > 0);
}
