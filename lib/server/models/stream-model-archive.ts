import "server-only";
import fs from "node:fs";
import path from "node:path";
import type { TSessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { requireModelAccess } from "@/lib/server/models/get-model";

// A version's files as one tar archive (POSIX ustar), streamed: model.safetensors, config.json,
// tokenizer.json and the rest of the model directory, without the resumable training checkpoint.

function artifactsRoot(): string {
  return path.resolve(process.env.ARTIFACTS_DIR ?? path.join(".data", "artifacts"));
}

function listFiles(dir: string, base = ""): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, base), { withFileTypes: true })) {
    const rel = path.posix.join(base, e.name);
    if (e.isDirectory()) {
      if (e.name === "checkpoint") continue;
      out.push(...listFiles(dir, rel));
    } else if (e.isFile()) out.push(rel);
  }
  return out.sort();
}

function tarHeader(name: string, size: number, mtime: number): Buffer {
  const h = Buffer.alloc(512, 0);
  const write = (s: string, off: number, len: number) => h.write(s.slice(0, len), off, len, "utf8");
  const octal = (n: number, len: number) => n.toString(8).padStart(len - 1, "0") + "\0";
  let prefix = "";
  let file = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf("/", 154);
    prefix = name.slice(0, cut);
    file = name.slice(cut + 1);
  }
  write(file, 0, 100);
  write(octal(0o644, 8), 100, 8);
  write(octal(0, 8), 108, 8);
  write(octal(0, 8), 116, 8);
  write(octal(size, 12), 124, 12);
  write(octal(Math.floor(mtime / 1000), 12), 136, 12);
  write("        ", 148, 8);
  write("0", 156, 1);
  write("ustar\0", 257, 6);
  write("00", 263, 2);
  write(prefix, 345, 155);
  let sum = 0;
  for (const b of h) sum += b;
  write(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8);
  return h;
}

/** The archive as a web stream, with a file name for Content-Disposition. */
export async function streamModelArchive(options: { user: TSessionUser; versionId: string }) {
  const v = await requireModelAccess(options.user, options.versionId, "review");
  if (!v.artifactPath) throw new AppError("NOT_FOUND", "The version has no model files");
  const dir = path.join(artifactsRoot(), v.artifactPath);
  if (!fs.existsSync(dir)) throw new AppError("NOT_FOUND", "The version's model files are missing");
  const files = listFiles(dir);
  const folder = v.name.replace(/[^A-Za-z0-9._-]/g, "_");
  async function* chunks() {
    for (const f of files) {
      const full = path.join(dir, f);
      const st = fs.statSync(full);
      yield tarHeader(`${folder}/${f}`, st.size, st.mtimeMs);
      for await (const c of fs.createReadStream(full)) yield c as Buffer;
      const pad = (512 - (st.size % 512)) % 512;
      if (pad) yield Buffer.alloc(pad, 0);
    }
    yield Buffer.alloc(1024, 0);
  }
  const it = chunks();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await it.next();
      if (done) controller.close();
      else controller.enqueue(new Uint8Array(value));
    },
  });
  return { stream, fileName: `${folder}.tar`, files };
}
