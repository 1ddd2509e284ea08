// The safetensors format, written and read directly: 8-byte little-endian header length N, N bytes of
// JSON header {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}, then the
// raw little-endian tensor bytes. Offsets are relative to the end of the header. We write F32 and
// pad the header with spaces to a multiple of 8 (as the reference implementation does).
import fs from "node:fs";
import os from "node:os";

export interface StoredTensor {
  shape: number[];
  data: Float32Array;
}

if (os.endianness() !== "LE") throw new Error("safetensors I/O here assumes a little-endian machine");

export function writeSafetensors(file: string, tensors: Record<string, StoredTensor>, metadata: Record<string, string> = {}): void {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  const names = Object.keys(tensors);
  for (const name of names) {
    const t = tensors[name];
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new Error(`safetensors: ${name} has ${t.data.length} values for shape [${t.shape}]`);
    header[name] = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + n * 4] };
    offset += n * 4;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const hbuf = Buffer.from(json, "utf8");
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(hbuf.length));
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, "w");
  try {
    fs.writeSync(fd, len);
    fs.writeSync(fd, hbuf);
    for (const name of names) {
      const d = tensors[name].data;
      fs.writeSync(fd, new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
    }
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

export interface SafetensorsFile {
  tensors: Record<string, StoredTensor>;
  metadata: Record<string, string>;
}

/** Read a safetensors file; F32, F16, BF16 and F64 tensors become Float32Array (other dtypes are skipped). */
export function readSafetensors(file: string): SafetensorsFile {
  const buf = fs.readFileSync(file);
  if (buf.length < 8) throw new Error(`${file}: not a safetensors file (too short)`);
  const n = Number(buf.readBigUInt64LE(0));
  if (8 + n > buf.length) throw new Error(`${file}: not a safetensors file (header length ${n} past the end)`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + n).toString("utf8"));
  } catch {
    throw new Error(`${file}: not a safetensors file (bad JSON header)`);
  }
  const base = 8 + n;
  const tensors: Record<string, StoredTensor> = {};
  let metadata: Record<string, string> = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__") {
      metadata = info as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets } = info as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const bytes = buf.subarray(base + data_offsets[0], base + data_offsets[1]);
    const count = shape.reduce((a, b) => a * b, 1);
    const out = new Float32Array(count);
    if (dtype === "F32") {
      new Uint8Array(out.buffer).set(bytes);
    } else if (dtype === "F16") {
      for (let i = 0; i < count; i++) out[i] = f16ToF32(bytes.readUInt16LE(i * 2));
    } else if (dtype === "BF16") {
      const u = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) u[i] = bytes.readUInt16LE(i * 2) << 16;
    } else if (dtype === "F64") {
      for (let i = 0; i < count; i++) out[i] = bytes.readDoubleLE(i * 8);
    } else {
      continue;
    }
    tensors[name] = { shape, data: out };
  }
  return { tensors, metadata };
}
