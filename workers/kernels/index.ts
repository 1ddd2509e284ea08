// Native kernels for the tfjs `cpu` backend. The worker's backend module calls
// installNativeKernels() after choosing `cpu`; model code stays plain tfjs-core (tf.matMul,
// tf.softmax, ...) and runs on whichever kernel is registered.
//
//   RLHF_NATIVE=0          keep the pure-JS kernels
//   RLHF_NATIVE_ADDON=path load the addon from elsewhere (default native/build/Release/)
//   RLHF_NATIVE_MALLOC=0   leave glibc's malloc settings alone (see below)
//   RLHF_NATIVE_POOL_MB=0  do not recycle kernel output buffers (pool.ts; default cap 512 MiB)
//   RLHF_NATIVE_THREADS=2  split large kernels over two threads of our own (native/src/pool.h;
//                          off by default: it lost on a shared 2-core machine)
//
// Installing also raises glibc's mmap and trim thresholds (mallopt) for the whole process: above
// 128 KiB glibc would mmap every new tensor buffer fresh and unmap it on free, so page faults cost
// several times the arithmetic. Freed buffers now stay in the heap (the process keeps its peak
// memory instead of returning it to the system).
//
// Opt-in fused ops that a registered kernel cannot reach: fused.ts (LayerNorm, GELU) and optim.ts
// (AdamW, global gradient norm).
//
// Gradients are unaffected: tfjs looks them up by kernel name and builds them from the same ops.
import { isMainThread } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import type { KernelConfig } from "@tensorflow/tfjs-core";
import { loadAddon, type NativeAddon } from "./addon.ts";
import { NATIVE_KERNELS } from "./cpu-kernels.ts";
import { disablePool, enablePool } from "./pool.ts";

export type { NativeAddon } from "./addon.ts";

export interface NativeKernelsResult {
  /** Kernel names now served by the addon on the `cpu` backend. */
  installed: string[];
  /** Why nothing was installed (set only when `installed` is empty). */
  reason?: string;
}

export interface InstallOptions {
  /** Print nothing (tests). Default: one line on stderr saying what happened (none in a worker thread). */
  quiet?: boolean;
}

const BACKEND = "cpu";
/** The pure-JS kernels replaced, to restore them in uninstallNativeKernels(). */
const replaced = new Map<string, KernelConfig>();

export async function installNativeKernels(
  options: InstallOptions = {},
): Promise<NativeKernelsResult> {
  const result = install();
  // A stage's thread says it in the run's log (backend.ts notes); its stderr line would repeat per stage.
  if (!(options.quiet ?? !isMainThread)) {
    if (result.installed.length > 0) {
      console.error(`[kernels] native cpu kernels: ${result.installed.length} installed ` +
        `(${result.installed.join(", ")})`);
    } else {
      console.error(`[kernels] native cpu kernels not installed: ${result.reason}; ` +
        `using tfjs's pure-JS cpu kernels`);
    }
  }
  return result;
}

function install(): NativeKernelsResult {
  if (process.env.RLHF_NATIVE === "0") return { installed: [], reason: "disabled by RLHF_NATIVE=0" };
  if (replaced.size > 0) return { installed: [...replaced.keys()] };
  const load = loadAddon();
  if (!load.addon) return { installed: [], reason: load.reason };
  const addon = load.addon;
  if (process.env.RLHF_NATIVE_MALLOC !== "0") addon.tuneMalloc(32 << 20, 1 << 30);
  for (const kernel of NATIVE_KERNELS) {
    const pure = tf.getKernel(kernel.kernelName, BACKEND);
    if (!pure) continue; // this tfjs version has no such kernel on cpu: leave it alone
    tf.unregisterKernel(kernel.kernelName, BACKEND);
    tf.registerKernel({
      kernelName: kernel.kernelName,
      backendName: BACKEND,
      kernelFunc: kernel.make(addon, pure.kernelFunc),
    });
    replaced.set(kernel.kernelName, pure);
  }
  enablePool();
  return { installed: [...replaced.keys()] };
}

/** Puts the pure-JS kernels back (tests compare both on the same inputs). */
export function uninstallNativeKernels(): void {
  for (const [name, pure] of replaced) {
    tf.unregisterKernel(name, BACKEND);
    tf.registerKernel(pure);
  }
  replaced.clear();
  disablePool();
}

/** The loaded addon, for benchmarks (sgemm peak) and fused updates; null when unavailable. */
export function nativeAddon(): NativeAddon | null {
  if (process.env.RLHF_NATIVE === "0") return null;
  return loadAddon().addon;
}
