// The one place the engine imports TensorFlow.js core from.
//
// `@tensorflow/tfjs-core`'s Node entry (its CommonJS bundle) registers no gradient functions: only the
// `@tensorflow/tfjs` union package does, and that package is not installed here. Its ES-module sources
// (`dist/register_all_gradients.js`) cannot be loaded by Node directly (extension-less imports), so on
// first use we bundle that file with esbuild (a dependency of tsx and vitest, always present where this
// code runs) into one CommonJS file in a cache folder and require it. TensorFlow.js keeps its engine
// and its kernel and gradient registries on `globalThis`, so the second copy of the ops that bundle
// carries registers into, and runs on, the same engine as this import.
import * as tf from "@tensorflow/tfjs-core";
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const require = createRequire(import.meta.url);

function registerAllGradients(): void {
  if (tf.getGradient("BatchMatMul") != null && tf.getGradient("AddN") != null) return;
  const entry = require.resolve("@tensorflow/tfjs-core/dist/register_all_gradients.js");
  const name = `tfjs-core-${tf.version_core}-gradients.cjs`;
  const candidates = [
    path.join(path.dirname(require.resolve("@tensorflow/tfjs-core/package.json")), "..", "..", ".cache", "rlhf-engine"),
    path.join(os.tmpdir(), "rlhf-engine-cache"),
  ];
  for (const dir of candidates) {
    const file = path.join(dir, name);
    try {
      if (!fs.existsSync(file)) {
        fs.mkdirSync(dir, { recursive: true });
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const esbuild = require("esbuild") as typeof import("esbuild");
        const tmp = `${file}.${process.pid}.tmp`;
        esbuild.buildSync({ entryPoints: [entry], bundle: true, format: "cjs", platform: "node", outfile: tmp, minify: true, logLevel: "silent" });
        fs.renameSync(tmp, file); // atomic: parallel test processes may race here
      }
      require(file);
      if (tf.getGradient("BatchMatMul") != null) return;
    } catch {
      // try the next location
    }
  }
  throw new Error("could not register TensorFlow.js gradients (bundling tfjs-core's register_all_gradients with esbuild failed)");
}

registerAllGradients();

export { tf };
export type Tensor = tf.Tensor;
export type Variable = tf.Variable;
