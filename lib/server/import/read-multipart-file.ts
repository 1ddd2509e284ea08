import "server-only";
import { AppError } from "@/lib/errors";

// Streams the `file` part of a multipart/form-data body without holding the body in memory: reads up to
// that part's headers (to learn the file name), then yields the part's bytes as they arrive, keeping
// back only enough bytes to recognise the closing boundary across chunk edges.

export async function readMultipartFile(options: {
  body: AsyncIterable<Uint8Array>;
  contentType: string;
  field?: string;
}): Promise<{ fileName: string | null; stream: AsyncGenerator<Uint8Array> }> {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(options.contentType);
  if (!match) throw new AppError("BAD_REQUEST", "multipart body without a boundary");
  const boundary = match[1] ?? match[2];
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const field = options.field ?? "file";
  const source = options.body[Symbol.asyncIterator]();
  // A leading CRLF makes the first boundary look like every later one.
  let buf: Buffer = Buffer.from("\r\n");
  let ended = false;
  const more = async (): Promise<boolean> => {
    if (ended) return false;
    const next = await source.next();
    if (next.done) {
      ended = true;
      return false;
    }
    buf = Buffer.concat([buf, Buffer.from(next.value)]);
    return true;
  };
  const readUntil = async (needle: Buffer, maxHold = 64 * 1024): Promise<number> => {
    for (;;) {
      const i = buf.indexOf(needle);
      if (i >= 0) return i;
      if (buf.length > maxHold) throw new AppError("BAD_REQUEST", "malformed multipart body (part headers too long)");
      if (!(await more())) throw new AppError("BAD_REQUEST", `multipart body has no "${field}" field`);
    }
  };

  for (;;) {
    // Skip to the next boundary, then read the part's headers.
    for (;;) {
      const i = buf.indexOf(delimiter);
      if (i >= 0) {
        buf = buf.subarray(i + delimiter.length);
        break;
      }
      buf = buf.subarray(Math.max(0, buf.length - delimiter.length));
      if (!(await more())) throw new AppError("INVALID_INPUT", `file: missing (send the file in a form field named "${field}")`);
    }
    while (buf.length < 2 && (await more()));
    if (buf.subarray(0, 2).toString() === "--") throw new AppError("INVALID_INPUT", `file: missing (send the file in a form field named "${field}")`);
    const end = await readUntil(Buffer.from("\r\n\r\n"));
    const headers = buf.subarray(0, end).toString("utf8");
    buf = buf.subarray(end + 4);
    const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? "";
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name !== field) continue;
    const fileName = /\bfilename="([^"]*)"/i.exec(disposition)?.[1] ?? null;
    async function* stream(): AsyncGenerator<Uint8Array> {
      for (;;) {
        const i = buf.indexOf(delimiter);
        if (i >= 0) {
          if (i > 0) yield buf.subarray(0, i);
          return;
        }
        const safe = buf.length - delimiter.length;
        if (safe > 0) {
          yield buf.subarray(0, safe);
          buf = buf.subarray(safe);
        }
        if (!(await more())) throw new AppError("BAD_REQUEST", "multipart body ended inside the file part");
      }
    }
    return { fileName, stream: stream() };
  }
}
