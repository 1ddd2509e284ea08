// Output buffers for the native kernels, recycled the way PyTorch's caching allocator recycles
// them: when the cpu backend frees a tensor whose Float32Array one of our kernels allocated, the
// array goes on a free list by length and the next output of that length reuses it. This keeps
// a training step's working set warm in cache and spares the zero-fill, the page faults and the
// garbage collections that a fresh `new Float32Array` per op costs (about a quarter of a small
// GPT's step, profiled).
//
// Safety: the cpu backend hands its internal arrays out (dataSync() returns the very array), and
// some pure-JS kernels return views of their input's array. So a buffer is recycled only if it
// never escaped: any array read through readSync/read, or written again under a second tensor
// (alias or view), is marked and left to the garbage collector as before.
// RLHF_NATIVE_POOL_MB caps the bytes kept on free lists (default 512; 0 turns recycling off).
import * as tf from "@tensorflow/tfjs-core";
import type { DataId } from "@tensorflow/tfjs-core";

interface CpuBackendData {
  data: { get(dataId: DataId): { values?: unknown } | undefined; has(dataId: DataId): boolean };
  write(values: unknown, shape: number[], dtype: tf.DataType): DataId;
  readSync(dataId: DataId): unknown;
  disposeData(dataId: DataId, force?: boolean): boolean;
}

const free = new Map<number, Float32Array[]>();
let pooledBytes = 0;
let capBytes = 0;
/** Arrays we allocated, by their buffer. */
let owned = new WeakMap<ArrayBufferLike, Float32Array>();
/** Owned arrays now held by a live tensor. */
let inUse = new WeakSet<Float32Array>();
/** Buffers that escaped (read out, aliased or viewed): never recycled. */
let escaped = new WeakSet<ArrayBufferLike>();
let patched: { backend: CpuBackendData; own: string[]; write: CpuBackendData["write"]; readSync: CpuBackendData["readSync"]; disposeData: CpuBackendData["disposeData"] } | null = null;

/** A Float32Array of n elements whose contents the caller overwrites entirely. */
export function alloc(n: number): Float32Array {
  if (patched && n >= 256) {
    const list = free.get(n);
    const reused = list?.pop();
    if (reused) {
      pooledBytes -= n * 4;
      return reused;
    }
    const fresh = new Float32Array(n);
    owned.set(fresh.buffer, fresh);
    return fresh;
  }
  return new Float32Array(n);
}

/**
 * Whether nothing outside the tensor holding it can see this array: it came from alloc() and never
 * escaped (read out, aliased or viewed). Its holder may then be updated in place (the fused AdamW).
 * Always false while the pool is off: without its hooks nobody tracks where arrays go.
 */
export function isPrivate(values: Float32Array): boolean {
  return patched !== null && owned.get(values.buffer) === values && !escaped.has(values.buffer);
}

function markEscaped(values: unknown): void {
  if (ArrayBuffer.isView(values) && owned.has(values.buffer)) escaped.add(values.buffer);
}

/** Hooks the cpu backend's write/readSync/disposeData; false when there is no cpu backend. */
export function enablePool(): boolean {
  if (patched) return true;
  const mb = Number(process.env.RLHF_NATIVE_POOL_MB ?? 512);
  capBytes = Number.isFinite(mb) ? Math.max(0, mb) * 2 ** 20 : 0;
  if (capBytes === 0) return false;
  const backend = tf.findBackend("cpu") as unknown as CpuBackendData | null;
  if (!backend || typeof backend.disposeData !== "function" || !backend.data) return false;
  const original = { write: backend.write, readSync: backend.readSync, disposeData: backend.disposeData };
  const own = ["write", "readSync", "disposeData"].filter((k) => Object.prototype.hasOwnProperty.call(backend, k));
  backend.write = function (values, shape, dtype) {
    if (ArrayBuffer.isView(values)) {
      const mine = owned.get(values.buffer);
      if (mine) {
        if (mine === values && !inUse.has(mine)) inUse.add(mine);
        else escaped.add(values.buffer); // a second tensor on the same memory
      }
    }
    return original.write.call(this, values, shape, dtype);
  };
  backend.readSync = function (dataId) {
    markEscaped(this.data.get(dataId)?.values);
    return original.readSync.call(this, dataId);
  };
  backend.disposeData = function (dataId, force) {
    const values = this.data.get(dataId)?.values;
    const released = original.disposeData.call(this, dataId, force);
    if (released && values instanceof Float32Array && !this.data.has(dataId)) release(values);
    return released;
  };
  patched = { backend, own, ...original };
  return true;
}

function release(values: Float32Array): void {
  const mine = owned.get(values.buffer);
  if (mine !== values) return;
  inUse.delete(values);
  if (escaped.has(values.buffer) || pooledBytes + values.byteLength > capBytes) return;
  let list = free.get(values.length);
  if (!list) free.set(values.length, (list = []));
  list.push(values);
  pooledBytes += values.byteLength;
}

/** Unhooks the backend and drops every pooled buffer. */
export function disablePool(): void {
  if (!patched) return;
  const { backend, own, write, readSync, disposeData } = patched;
  backend.write = write;
  backend.readSync = readSync;
  backend.disposeData = disposeData;
  // Methods that lived on the prototype go back to being looked up there.
  for (const k of ["write", "readSync", "disposeData"]) if (!own.includes(k)) delete (backend as unknown as Record<string, unknown>)[k];
  patched = null;
  free.clear();
  pooledBytes = 0;
  owned = new WeakMap();
  inUse = new WeakSet();
  escaped = new WeakSet();
}

/** For tests and benchmarks. */
export function poolStats(): { enabled: boolean; pooledBytes: number; lengths: number } {
  return { enabled: patched !== null, pooledBytes, lengths: free.size };
}
