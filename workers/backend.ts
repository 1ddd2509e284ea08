// Picks the TensorFlow.js backend the engine trains on. One module, called once per process.
//
// Order (first that works wins), unless RLHF_BACKEND names one:
//   1. `@tensorflow/tfjs-node-gpu` when the package is installed and an NVIDIA GPU is visible;
//   2. `@tensorflow/tfjs-node` (libtensorflow on the CPU);
//   3. the faster of the pure backends that have every kernel training needs: `wasm` and `cpu`
//      (the engine's GPT is written so that both can train it: no gather gradient, see model/gpt.ts).
//      After choosing `cpu` (or while measuring it), the optional native OpenBLAS kernels of
//      `workers/kernels/index.ts` are installed when that module exists.
// RLHF_BACKEND: `node-gpu` | `node` | `wasm` | `cpu` | `auto` (default). The choice is logged.
import fs from "node:fs";
import { tf } from "./model/tf.ts";

export type BackendName = "tensorflow-gpu" | "tensorflow" | "wasm" | "cpu";

export interface BackendInfo {
  /** What was chosen. `tensorflow(-gpu)` is tfjs-node's backend name `tensorflow`. */
  name: BackendName;
  /** tf.getBackend() after the choice. */
  tfBackend: string;
  /** Native kernels installed on the cpu backend (empty when none). */
  nativeKernels: string[];
  /** One line per decision taken, also logged. */
  notes: string[];
  /** For `auto` among pure backends: microseconds per probe step, measured. */
  probe?: Record<string, number>;
}

export interface InitBackendOptions {
  /** Overrides RLHF_BACKEND. */
  backend?: string;
  /** Where the choice is logged (default: console.error, so that stdout stays clean for --json). */
  log?: (line: string) => void;
}

let chosen: Promise<BackendInfo> | null = null;

/** Choose and initialise the backend (idempotent: later calls return the first result). */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  if (!chosen) chosen = choose(options);
  return chosen;
}

/** The backend chosen so far, if any (for metadata). */
export function currentBackend(): string {
  return tf.getBackend();
}

function gpuVisible(): boolean {
  try {
    return fs.existsSync("/dev/nvidia0") || fs.existsSync("/proc/driver/nvidia/version");
  } catch {
    return false;
  }
}

async function tryImport(spec: string): Promise<boolean> {
  try {
    await import(/* @vite-ignore */ spec);
    return true;
  } catch {
    return false;
  }
}

async function installKernels(notes: string[]): Promise<string[]> {
  try {
    const mod = (await import(/* @vite-ignore */ "./kernels/index.ts")) as {
      installNativeKernels?: () => Promise<{ installed: string[]; reason?: string }>;
    };
    if (typeof mod.installNativeKernels !== "function") {
      notes.push("workers/kernels/index.ts has no installNativeKernels(): pure cpu kernels");
      return [];
    }
    const r = await mod.installNativeKernels();
    notes.push(
      r.installed.length > 0
        ? `native cpu kernels installed: ${r.installed.join(", ")}`
        : `no native cpu kernels installed${r.reason ? ` (${r.reason})` : ""}`,
    );
    return r.installed;
  } catch (e) {
    notes.push(`native cpu kernels unavailable (${(e as Error).message.split("\n")[0]}): pure cpu kernels`);
    return [];
  }
}

async function setPure(name: "wasm" | "cpu"): Promise<boolean> {
  if (name === "wasm" && !(await tryImport("@tensorflow/tfjs-backend-wasm"))) return false;
  if (name === "cpu" && !(await tryImport("@tensorflow/tfjs-backend-cpu"))) return false;
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

/**
 * The workload that decides between the pure backends: training steps (forward, backward, AdamW) of a
 * GPT of the `tiny` preset's shape on a batch of 8 x 64 tokens, timed on the current backend;
 * microseconds per step, best of 3 after one warm-up step. A synthetic kernel mix misleads here: the
 * native cpu kernels win or lose depending on which kernels a real step spends its time in.
 */
async function probeStep(): Promise<number> {
  const [{ GPT }, { Rng }, { maskedCrossEntropy }, { AdamW }] = await Promise.all([
    import("./model/gpt.ts"),
    import("./model/rng.ts"),
    import("./train/losses.ts"),
    import("./train/adamw.ts"),
  ]);
  const model = GPT.create({ vocabSize: 320, blockSize: 64, nLayer: 2, nHead: 2, nEmbd: 32, layerNormEps: 1e-5, embedding: "onehot" }, "lm", new Rng(0));
  const opt = new AdamW(
    model.specs.map((s) => ({ name: s.name, variable: model.params[s.name], decay: s.decay })),
    { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradClip: 1 },
  );
  const rng = new Rng(1);
  const ids = Array.from({ length: 8 }, () => Array.from({ length: 64 }, () => rng.int(320)));
  const x = tf.tensor2d(ids, [8, 64], "int32");
  const mask = tf.ones([8, 64]) as tf.Tensor2D;
  let best = Infinity;
  try {
    for (let i = 0; i < 4; i++) {
      const t0 = performance.now();
      const { value, grads } = tf.variableGrads(() => tf.tidy(() => maskedCrossEntropy(model.logits(x), x, mask)), model.variables());
      opt.apply(grads, 1e-4);
      value.dataSync();
      tf.dispose([value, ...Object.values(grads)]);
      if (i > 0) best = Math.min(best, (performance.now() - t0) * 1000);
    }
  } finally {
    tf.dispose([x, mask]);
    opt.dispose();
    model.dispose();
  }
  return best;
}

async function choose(options: InitBackendOptions): Promise<BackendInfo> {
  const log = options.log ?? ((l: string) => console.error(l));
  const want = (options.backend ?? process.env.RLHF_BACKEND ?? "auto").trim().toLowerCase();
  const notes: string[] = [];
  tf.enableProdMode(); // before any backend starts: silences the "install tfjs-node" banner
  let nativeKernels: string[] = [];
  let probe: Record<string, number> | undefined;
  const valid = ["auto", "node-gpu", "node", "wasm", "cpu"];
  if (!valid.includes(want)) throw new Error(`RLHF_BACKEND must be one of ${valid.join(", ")}; got '${want}'`);

  const finish = (name: BackendName): BackendInfo => {
    const info: BackendInfo = { name, tfBackend: tf.getBackend(), nativeKernels: name === "cpu" ? nativeKernels : [], notes, probe };
    log(`[engine] backend: ${name} (tf.getBackend()=${info.tfBackend}); ${notes.join("; ")}`);
    return info;
  };

  if (want === "node-gpu" || (want === "auto" && gpuVisible())) {
    if ((await tryImport("@tensorflow/tfjs-node-gpu")) && tf.getBackend() === "tensorflow") {
      notes.push("@tensorflow/tfjs-node-gpu loaded");
      return finish("tensorflow-gpu");
    }
    notes.push("@tensorflow/tfjs-node-gpu not available");
    if (want === "node-gpu") throw new Error("RLHF_BACKEND=node-gpu but @tensorflow/tfjs-node-gpu could not be loaded");
  }
  if (want === "node" || want === "auto") {
    if ((await tryImport("@tensorflow/tfjs-node")) && tf.getBackend() === "tensorflow") {
      notes.push("@tensorflow/tfjs-node loaded");
      return finish("tensorflow");
    }
    notes.push("@tensorflow/tfjs-node not available");
    if (want === "node") throw new Error("RLHF_BACKEND=node but @tensorflow/tfjs-node could not be loaded");
  }
  if (want === "wasm" || want === "cpu") {
    if (!(await setPure(want))) throw new Error(`RLHF_BACKEND=${want} but that backend could not be initialised`);
    if (want === "cpu") nativeKernels = await installKernels(notes);
    notes.push(`RLHF_BACKEND=${want}`);
    return finish(want);
  }
  // auto among pure backends: time a tiny GPT training step on each (well under a second in all).
  probe = {};
  if (await setPure("cpu")) {
    nativeKernels = await installKernels(notes);
    probe.cpu = await probeStep();
  }
  if (await setPure("wasm")) probe.wasm = await probeStep();
  const names = Object.keys(probe) as ("cpu" | "wasm")[];
  if (names.length === 0) throw new Error("no TensorFlow.js backend could be initialised (cpu and wasm both failed)");
  const best = names.reduce((a, b) => (probe![a] <= probe![b] ? a : b));
  await tf.setBackend(best);
  notes.push(`probe us/step ${names.map((n) => `${n}=${Math.round(probe![n])}`).join(" ")}: ${best} is faster`);
  return finish(best);
}
