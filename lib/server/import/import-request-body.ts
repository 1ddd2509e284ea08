import "server-only";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { requireProjectAccess } from "@/lib/permissions";
import { ZImportQuery, type TImportResponse } from "@/lib/schemas/labeling";
import { importMaxBytes } from "@/lib/server/import/import-max-bytes";
import { importPrompts } from "@/lib/server/import/import-prompts";
import { readMultipartFile } from "@/lib/server/import/read-multipart-file";

// The HTTP side of an import: the body is the raw JSONL/CSV text or a multipart form with a `file`
// field, both streamed as they arrive (never held whole in memory); `?mode=` and `?format=` choose how
// (format defaults to the file's extension, else jsonl).

/** What a signed-in browser may upload (lib/api.ts checkSameOrigin); API-token callers may send any type. */
export const IMPORT_CONTENT_TYPES = ["multipart/form-data", "application/x-ndjson", "application/jsonl", "application/json", "text/csv"];

async function* webStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let done = false;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        return;
      }
      if (next.value) yield next.value;
    }
  } finally {
    // Stopped early (over the size limit, a malformed form): read no more of the body.
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

export async function importRequestBody(options: { user: TSessionUser; projectId: string; req: Request; searchParams: URLSearchParams }): Promise<TImportResponse> {
  const { req, searchParams } = options;
  await requireProjectAccess(options.user, options.projectId, "manage");
  const maxBytes = importMaxBytes();
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    throw new AppError("PAYLOAD_TOO_LARGE", `The file is larger than the import limit of ${Math.round(maxBytes / 1024 / 1024)} MB (set IMPORT_MAX_BYTES to change it)`);
  }
  const contentType = req.headers.get("content-type") ?? "";
  let fileName = searchParams.get("name") ?? "upload";
  let source: AsyncIterable<Uint8Array>;
  if (!req.body) throw new AppError("INVALID_INPUT", "body: empty (send JSONL or CSV text, or a multipart form with a file)");
  if (contentType.startsWith("multipart/form-data")) {
    const part = await readMultipartFile({ body: webStream(req.body), contentType });
    fileName = part.fileName || fileName;
    source = part.stream;
  } else {
    source = webStream(req.body);
  }
  const guessed = /\.csv$/i.test(fileName) || contentType.startsWith("text/csv") ? "csv" : "jsonl";
  const query = ZImportQuery.parse({
    mode: searchParams.get("mode") ?? undefined,
    format: searchParams.get("format") ?? guessed,
  });
  return importPrompts({ projectId: options.projectId, createdById: options.user.id, fileName, mode: query.mode, format: query.format, source, maxBytes });
}
