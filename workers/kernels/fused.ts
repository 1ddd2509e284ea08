// Fused LayerNorm and GELU for the `cpu` backend, drop-in for workers/model/ops.ts's layerNorm and
// gelu (same signatures, same arithmetic): one native pass forward and one backward instead of
// ~9 + ~20 (LayerNorm) and ~8 + ~15 (GELU) tfjs ops and their temporaries. A kernel registered
// under an existing name cannot reach these (they are compositions, not kernels), so the model
// opts in by calling them; elsewhere (other backends, RLHF_NATIVE=0, no addon) they compute the
// same composition of tfjs ops.
import * as tf from "@tensorflow/tfjs-core";
import type { DataId } from "@tensorflow/tfjs-core";
import { nativeAddon } from "./index.ts";

function cpuValues(t: tf.Tensor): Float32Array | null {
  if (t.dtype !== "float32" || tf.getBackend() !== "cpu") return null;
  const backend = tf.backend() as unknown as { data: { get(id: DataId): { values?: unknown } } };
  const values = backend.data.get(t.dataId)?.values;
  return values instanceof Float32Array ? values : null;
}

/** workers/model/ops.ts layerNorm, composed of tfjs ops. */
function layerNormOps(x: tf.Tensor, g: tf.Tensor1D, b: tf.Tensor1D, eps: number): tf.Tensor {
  const mu = tf.mean(x, -1, true);
  const xc = tf.sub(x, mu);
  const variance = tf.mean(tf.square(xc), -1, true);
  return tf.add(tf.mul(tf.mul(xc, tf.rsqrt(tf.add(variance, eps))), g), b);
}

const GELU_C = Math.sqrt(2 / Math.PI);

/** workers/model/ops.ts gelu ("gelu_new"), composed of tfjs ops. */
function geluOps(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), GELU_C);
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

/** LayerNorm over the last axis: (x - mean) / sqrt(var + eps) * g + b. */
export function layerNorm(x: tf.Tensor, g: tf.Tensor1D, b: tf.Tensor1D, eps: number): tf.Tensor {
  const addon = nativeAddon();
  const cols = x.shape[x.shape.length - 1];
  if (!addon || !cpuValues(x) || !cpuValues(g) || !cpuValues(b) || g.size !== cols || b.size !== cols || x.size === 0) {
    return layerNormOps(x, g, b, eps);
  }
  const rows = x.size / cols;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xs, gs, bs] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const y = new Float32Array(x.size);
    const mean = new Float32Array(rows);
    const rstd = new Float32Array(rows);
    addon.layerNorm(cpuValues(xs)!, cpuValues(gs)!, cpuValues(bs)!, y, mean, rstd, rows, cols, eps);
    const meanT = tf.tensor1d(mean);
    const rstdT = tf.tensor1d(rstd);
    save([xs, gs, meanT, rstdT]);
    return {
      value: tf.tensor(y, xs.shape, "float32"),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sg, sm, sr] = saved;
        const dyv = cpuValues(dy) ?? (dy.dataSync() as Float32Array);
        const dx = new Float32Array(sx.size);
        const dg = new Float32Array(cols);
        const db = new Float32Array(cols);
        addon.layerNormGrad(dyv, cpuValues(sx)!, cpuValues(sg)!, cpuValues(sm)!, cpuValues(sr)!, dx, dg, db, rows, cols);
        return [tf.tensor(dx, sx.shape, "float32"), tf.tensor1d(dg), tf.tensor1d(db)];
      },
    };
  });
  return op(x, g, b);
}

/** GPT-2's "gelu_new": 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
export function gelu(x: tf.Tensor): tf.Tensor {
  const addon = nativeAddon();
  if (!addon || !cpuValues(x)) return geluOps(x);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xs = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const y = new Float32Array(xs.size);
    addon.gelu(cpuValues(xs)!, y, xs.size);
    save([xs]);
    return {
      value: tf.tensor(y, xs.shape, "float32"),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx] = saved;
        const dx = new Float32Array(sx.size);
        addon.geluGrad(cpuValues(dy) ?? (dy.dataSync() as Float32Array), cpuValues(sx)!, dx, sx.size);
        return tf.tensor(dx, sx.shape, "float32");
      },
    };
  });
  return op(x);
}
