import "server-only";
import { Readable } from "node:stream";
import { parse as parseCsv } from "csv-parse";
import { AppError } from "@/lib/errors";

// Streams an import file record by record, never holding the whole file: JSONL line by line, CSV row by
// row (csv-parse, header row names the columns). Stops with PAYLOAD_TOO_LARGE past `maxBytes`.

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

async function* jsonlRecords(source: AsyncIterable<Uint8Array>): AsyncGenerator<TImportRecord> {
  const decoder = new TextDecoder("utf-8");
  let buffered = "";
  let lineNo = 0;
  const one = (raw: string): TImportRecord | null => {
    lineNo += 1;
    const text = raw.replace(/\r$/, "").replace(/^\uFEFF/, "");
    if (!text.trim()) return null;
    try {
      return { line: lineNo, value: JSON.parse(text) };
    } catch (e) {
      return { line: lineNo, error: `invalid JSON: ${(e as Error).message}` };
    }
  };
  for await (const chunk of source) {
    buffered += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const rec = one(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
      if (rec) yield rec;
    }
  }
  buffered += decoder.decode();
  if (buffered.length) {
    const rec = one(buffered);
    if (rec) yield rec;
  }
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
  const input = Readable.from(source);
  let streamError: unknown;
  input.on("error", (e) => {
    streamError = e;
    parser.destroy(e);
  });
  input.pipe(parser);
  try {
    for await (const rec of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
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
  options: { format: "jsonl" | "csv"; maxBytes: number },
): AsyncGenerator<TImportRecord> {
  const limited = limitBytes(source, options.maxBytes);
  return options.format === "csv" ? csvRecords(limited) : jsonlRecords(limited);
}
