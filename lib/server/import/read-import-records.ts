import "server-only";
import { Readable } from "node:stream";
import { parse as parseCsv } from "csv-parse";
import { AppError } from "@/lib/errors";

// Streams an import file record by record, never holding the whole file: JSONL line by line, CSV row by
// row (csv-parse, header row names the columns). Stops with PAYLOAD_TOO_LARGE past `maxBytes`. A line that
// is not valid UTF-8 is reported with its number rather than decoded with replacement characters.

export type TImportRecord = { line: number; value?: unknown; error?: string };

async function* limitBytes(source: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of source) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      throw new AppError(
        "PAYLOAD_TOO_LARGE",
        `The file is larger than the import limit of ${Math.round(maxBytes / 1024 / 1024)} MB (set IMPORT_MAX_BYTES to change it)`,
      );
    }
    yield chunk;
  }
}

const NEWLINE = 0x0a;

/** One line's bytes as text; invalid UTF-8 is reported, never silently replaced. */
function decodeLine(bytes: Uint8Array): { text: string } | { error: string } {
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return { error: "not valid UTF-8 text (save the file as UTF-8)" };
  }
}

/** Longest JSONL line read (bytes); a longer one is reported and skipped without being held in memory. */
export const IMPORT_MAX_LINE_BYTES = 16 * 1024 * 1024;

async function* jsonlRecords(source: AsyncIterable<Uint8Array>, maxLineBytes: number): AsyncGenerator<TImportRecord> {
  let lineNo = 0;
  const one = (bytes: Uint8Array): TImportRecord | null => {
    lineNo += 1;
    const decoded = decodeLine(bytes);
    if ("error" in decoded) return { line: lineNo, error: decoded.error };
    const text = decoded.text.replace(/\r$/, "").replace(/^\uFEFF/, "");
    if (!text.trim()) return null;
    try {
      return { line: lineNo, value: JSON.parse(text) };
    } catch (e) {
      return { line: lineNo, error: `invalid JSON: ${(e as Error).message}` };
    }
  };
  const tooLong = (): TImportRecord => ({ line: ++lineNo, error: `line: longer than ${maxLineBytes} bytes (the limit of one line)` });
  // Lines are split on the newline byte before decoding, so a bad byte is reported on its own line. The
  // start of a line that spans chunks is kept as a list of pieces, joined once its end arrives.
  let pieces: Buffer[] = [];
  let held = 0;
  let skipping = false;
  for await (const chunk of source) {
    let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let nl: number;
    while ((nl = buf.indexOf(NEWLINE)) >= 0) {
      const end = buf.subarray(0, nl);
      buf = buf.subarray(nl + 1);
      if (skipping || held + end.length > maxLineBytes) {
        skipping = false;
        pieces = [];
        held = 0;
        yield tooLong();
        continue;
      }
      const rec = one(pieces.length ? Buffer.concat([...pieces, end]) : end);
      pieces = [];
      held = 0;
      if (rec) yield rec;
    }
    if (buf.length && !skipping) {
      pieces.push(Buffer.from(buf));
      held += buf.length;
      if (held > maxLineBytes) {
        skipping = true;
        pieces = [];
        held = 0;
      }
    }
  }
  if (skipping) yield tooLong();
  else if (held) {
    const rec = one(Buffer.concat(pieces));
    if (rec) yield rec;
  }
}

/**
 * Passes the bytes through unchanged and notes every line (1-based) that is not valid UTF-8, for the CSV
 * reader, whose decoder would silently replace them.
 */
function utf8LineChecker() {
  const badLines = new Set<number>();
  let line = 1;
  let decoder = new TextDecoder("utf-8", { fatal: true });
  let lineBad = false;
  const feed = (bytes: Uint8Array, end: boolean) => {
    if (!lineBad) {
      try {
        decoder.decode(bytes, { stream: !end });
      } catch {
        lineBad = true;
        badLines.add(line);
      }
    }
    if (end) {
      line += 1;
      lineBad = false;
      decoder = new TextDecoder("utf-8", { fatal: true });
    }
  };
  async function* pass(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      let start = 0;
      let nl: number;
      while ((nl = chunk.indexOf(NEWLINE, start)) >= 0) {
        feed(chunk.subarray(start, nl), true);
        start = nl + 1;
      }
      if (start < chunk.length) feed(chunk.subarray(start), false);
      yield chunk;
    }
    feed(new Uint8Array(0), true);
  }
  return { badLines, pass };
}

const JSON_COLUMNS = ["responses", "metadata", "messages", "gold", "gold_ranking"] as const;

/** A CSV row (header -> cell) as the object a JSONL line would hold. */
function csvRowToObject(row: Record<string, string>): { value?: unknown; error?: string } {
  const out: Record<string, unknown> = {};
  const responses: string[] = [];
  for (const [key, cell] of Object.entries(row)) {
    const k = key.trim().toLowerCase();
    const v = cell ?? "";
    if (!v.trim()) continue;
    if (/^response_?\d+$/.test(k)) {
      responses[Number(k.replace(/\D/g, "")) - 1] = v;
      continue;
    }
    if ((JSON_COLUMNS as readonly string[]).includes(k)) {
      try {
        out[k] = JSON.parse(v);
      } catch (e) {
        return { error: `${k}: not valid JSON (${(e as Error).message})` };
      }
      continue;
    }
    out[k] = v;
  }
  if (out.gold_ranking !== undefined) {
    out.gold = { ranking: out.gold_ranking };
    delete out.gold_ranking;
  }
  const listed = responses.filter((r) => r !== undefined);
  if (listed.length) out.responses = [...((out.responses as string[] | undefined) ?? []), ...listed];
  return { value: out };
}

async function* csvRecords(source: AsyncIterable<Uint8Array>): AsyncGenerator<TImportRecord> {
  const parser = parseCsv({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: true, info: true, trim: false });
  const utf8 = utf8LineChecker();
  const input = Readable.from(utf8.pass(source));
  let streamError: unknown;
  input.on("error", (e) => {
    streamError = e;
    parser.destroy(e);
  });
  input.pipe(parser);
  // A record spans the lines after the previous record's last line up to its own (quoted cells may hold newlines).
  let lastLine = 1;
  try {
    for await (const rec of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      const first = lastLine + 1;
      lastLine = rec.info.lines;
      const bad = [...utf8.badLines].find((l) => l >= first && l <= rec.info.lines);
      if (bad !== undefined) {
        yield { line: rec.info.lines, error: bad === rec.info.lines ? "not valid UTF-8 text (save the file as UTF-8)" : `line ${bad}: not valid UTF-8 text (save the file as UTF-8)` };
        continue;
      }
      const converted = csvRowToObject(rec.record);
      yield { line: rec.info.lines, ...converted };
    }
  } catch (e) {
    if (streamError) throw streamError;
    if (e instanceof AppError) throw e;
    // A malformed CSV (e.g. an unclosed quote) cannot be read past that point.
    const err = e as Error & { lines?: number };
    yield { line: err.lines ?? 0, error: `CSV: ${err.message}` };
  }
  if (streamError) throw streamError;
}

export function readImportRecords(
  source: AsyncIterable<Uint8Array>,
  options: { format: "jsonl" | "csv"; maxBytes: number; maxLineBytes?: number },
): AsyncGenerator<TImportRecord> {
  const limited = limitBytes(source, options.maxBytes);
  return options.format === "csv" ? csvRecords(limited) : jsonlRecords(limited, options.maxLineBytes ?? IMPORT_MAX_LINE_BYTES);
}
