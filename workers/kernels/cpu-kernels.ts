// Kernel functions for the tfjs `cpu` backend that run in the native addon. Each handles float32
// tensors and hands anything else (other dtypes, unusual attributes) to the pure-JS kernel it
// replaces, so registering them never changes what a program may compute, only how fast.
import * as tf from "@tensorflow/tfjs-core";
import type { KernelFunc, TensorInfo, NamedAttrMap, DataId } from "@tensorflow/tfjs-core";
import type { NativeAddon } from "./addon.ts";
import { alloc } from "./pool.ts";

/** The part of MathBackendCPU these kernels use. */
interface CpuBackend {
  data: { get(dataId: DataId): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): TensorInfo;
  incRef(dataId: DataId): void;
}

type KernelArgs = Parameters<KernelFunc>[0];

const BINARY_OPS = {
  Add: 0, Sub: 1, Multiply: 2, RealDiv: 3, Maximum: 4, Minimum: 5, Pow: 6, SquaredDifference: 7,
} as const;
const UNARY_OPS = {
  Exp: 0, Log: 1, Sqrt: 2, Rsqrt: 3, Tanh: 4, Sigmoid: 5, Relu: 6, Neg: 7, Square: 8, Abs: 9,
  Erf: 10, Reciprocal: 11, Log1p: 12, Step: 13,
} as const;
const REDUCE_OPS = { Sum: 0, Mean: 1, Max: 2, Min: 3, Prod: 4 } as const;

const MAX_RANK = 16;
// One scratch buffer for shapes handed to the addon (calls are synchronous, never re-entrant).
const dims = new Int32Array(1 + 3 * MAX_RANK);

function f32(backend: CpuBackend, t: TensorInfo): Float32Array | null {
  if (t.dtype !== "float32") return null;
  const values = backend.data.get(t.dataId).values;
  return values instanceof Float32Array ? values : null;
}

function i32(backend: CpuBackend, t: TensorInfo): Int32Array | null {
  if (t.dtype !== "int32") return null;
  const values = backend.data.get(t.dataId).values;
  return values instanceof Int32Array ? values : null;
}

const size = (shape: number[]) => tf.util.sizeFromShape(shape);


export interface NativeKernel {
  kernelName: string;
  /** Builds the kernel function; `fallback` is the pure-JS kernel being replaced. */
  make(addon: NativeAddon, fallback: KernelFunc): KernelFunc;
}

function binaryKernel(kernelName: keyof typeof BINARY_OPS): NativeKernel {
  const op = BINARY_OPS[kernelName];
  return {
    kernelName,
    make: (addon, fallback) => (args: KernelArgs) => {
      const backend = args.backend as CpuBackend;
      const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
      const av = f32(backend, a);
      const bv = f32(backend, b);
      const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      const rank = outShape.length;
      if (!av || !bv || rank > MAX_RANK) return fallback(args);
      const out = alloc(size(outShape));
      if (out.length > 0) {
        dims[0] = rank;
        for (let i = 0; i < rank; i++) {
          dims[1 + i] = outShape[i];
          dims[1 + rank + i] = a.shape[i - (rank - a.shape.length)] ?? 1;
          dims[1 + 2 * rank + i] = b.shape[i - (rank - b.shape.length)] ?? 1;
        }
        addon.binary(op, av, bv, out, dims);
      }
      return backend.makeTensorInfo(outShape, "float32", out);
    },
  };
}

function unaryKernel(kernelName: keyof typeof UNARY_OPS): NativeKernel {
  const op = UNARY_OPS[kernelName];
  return {
    kernelName,
    make: (addon, fallback) => (args: KernelArgs) => {
      const backend = args.backend as CpuBackend;
      const { x } = args.inputs as { x: TensorInfo };
      const xv = f32(backend, x);
      if (!xv) return fallback(args);
      const alpha = kernelName === "Step" ? Number((args.attrs as NamedAttrMap).alpha ?? 0) : 0;
      const out = alloc(xv.length);
      addon.unary(op, xv, out, xv.length, alpha);
      return backend.makeTensorInfo(x.shape, "float32", out);
    },
  };
}

/**
 * Views a reduction of `shape` over `axes` as [outer, red, inner]; null when the reduced axes are
 * not one contiguous block (size-1 dimensions ignored), in which case the input is transposed first.
 */
function reductionView(shape: number[], axes: number[]): [number, number, number] | null {
  const reduced = new Set(axes);
  let outer = 1, red = 1, inner = 1;
  let phase = 0; // 0: before the reduced block, 1: inside it, 2: after it
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (d === 1) continue;
    if (reduced.has(i)) {
      if (phase === 2) return null;
      phase = 1;
      red *= d;
    } else if (phase === 0) {
      outer *= d;
    } else {
      phase = 2;
      inner *= d;
    }
  }
  return [outer, red, inner];
}

function transposeInto(addon: NativeAddon, x: Float32Array, shape: number[], perm: number[],
  out: Float32Array): void {
  const rank = shape.length;
  dims[0] = rank;
  for (let i = 0; i < rank; i++) {
    dims[1 + i] = shape[i];
    dims[1 + rank + i] = perm[i];
  }
  addon.transpose(x, out, dims);
}

function reduceKernel(kernelName: keyof typeof REDUCE_OPS): NativeKernel {
  const op = REDUCE_OPS[kernelName];
  return {
    kernelName,
    make: (addon, fallback) => (args: KernelArgs) => {
      const backend = args.backend as CpuBackend;
      const { x } = args.inputs as { x: TensorInfo };
      const attrs = args.attrs as NamedAttrMap;
      const xv = f32(backend, x);
      if (!xv || x.shape.length > MAX_RANK) return fallback(args);
      const axisAttr = (kernelName === "Max" ? attrs.reductionIndices : attrs.axis) as
        number | number[] | null | undefined;
      const axes = axisAttr == null ? x.shape.map((_, i) => i) : tf.util.parseAxisParam(axisAttr, x.shape);
      const keepDims = Boolean(attrs.keepDims);
      const outShape = x.shape.filter((_, i) => !axes.includes(i));
      const out = alloc(size(outShape));
      let view = reductionView(x.shape, axes);
      let input = xv;
      if (!view) {
        const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
        const perm = [...kept, ...axes];
        input = alloc(xv.length);
        transposeInto(addon, xv, x.shape, perm, input);
        view = [size(outShape), xv.length / Math.max(1, size(outShape)), 1];
      }
      if (out.length > 0) addon.reduce(op, input, out, view[0], view[1], view[2]);
      const shape = keepDims ? tf.backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
      return backend.makeTensorInfo(shape, "float32", out);
    },
  };
}

const softmaxKernel: NativeKernel = {
  kernelName: "Softmax",
  make: (addon, fallback) => (args: KernelArgs) => {
    const backend = args.backend as CpuBackend;
    const { logits } = args.inputs as { logits: TensorInfo };
    const xv = f32(backend, logits);
    const rank = logits.shape.length;
    const dim = Number((args.attrs as NamedAttrMap).dim ?? -1);
    if (!xv || rank === 0 || (dim !== -1 && dim !== rank - 1)) return fallback(args);
    const cols = logits.shape[rank - 1];
    const out = alloc(xv.length);
    if (cols > 0) addon.softmax(xv, out, xv.length / cols, cols);
    return backend.makeTensorInfo(logits.shape, "float32", out);
  },
};

const transposeKernel: NativeKernel = {
  kernelName: "Transpose",
  make: (addon, fallback) => (args: KernelArgs) => {
    const backend = args.backend as CpuBackend;
    const { x } = args.inputs as { x: TensorInfo };
    const perm = (args.attrs as NamedAttrMap).perm as number[];
    const xv = f32(backend, x);
    if (!xv || x.shape.length > MAX_RANK) return fallback(args);
    const outShape = perm.map((p) => x.shape[p]);
    // Moving only size-1 axes changes nothing in memory: share the buffer, as Reshape does.
    const moved = perm.filter((p) => x.shape[p] !== 1);
    if (moved.every((p, i) => i === 0 || p > moved[i - 1])) {
      backend.incRef(x.dataId);
      return { dataId: x.dataId, shape: outShape, dtype: x.dtype };
    }
    const out = alloc(xv.length);
    transposeInto(addon, xv, x.shape, perm, out);
    return backend.makeTensorInfo(outShape, "float32", out);
  },
};

function matMulDims(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean) {
  const aRank = a.shape.length, bRank = b.shape.length;
  const m = transposeA ? a.shape[aRank - 1] : a.shape[aRank - 2];
  const k = transposeA ? a.shape[aRank - 2] : a.shape[aRank - 1];
  const kb = transposeB ? b.shape[bRank - 1] : b.shape[bRank - 2];
  const n = transposeB ? b.shape[bRank - 2] : b.shape[bRank - 1];
  const batchA = size(a.shape.slice(0, -2));
  const batchB = size(b.shape.slice(0, -2));
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2),
    b.shape.slice(0, -2));
  return { m, n, k, kb, batchA, batchB, batch: Math.max(batchA, batchB),
    outShape: [...outer, m, n] };
}

const batchMatMulKernel: NativeKernel = {
  kernelName: "BatchMatMul",
  make: (addon, fallback) => (args: KernelArgs) => {
    const backend = args.backend as CpuBackend;
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const attrs = args.attrs as NamedAttrMap;
    const transposeA = Boolean(attrs.transposeA), transposeB = Boolean(attrs.transposeB);
    const av = f32(backend, a), bv = f32(backend, b);
    if (!av || !bv || a.shape.length < 2 || b.shape.length < 2) return fallback(args);
    const d = matMulDims(a, b, transposeA, transposeB);
    if (d.k !== d.kb) return fallback(args); // the pure kernel throws tfjs's own message
    const out = alloc(d.batch * d.m * d.n);
    addon.matmul(av, bv, out, d.batch, d.batchA, d.batchB, d.m, d.n, d.k, +transposeA,
      +transposeB);
    return backend.makeTensorInfo(d.outShape, "float32", out);
  },
};

// tf.fused.matMul: matMul, then bias and activation, in place on the product.
const fusedMatMulKernel: NativeKernel = {
  kernelName: "_FusedMatMul",
  make: (addon, fallback) => (args: KernelArgs) => {
    const backend = args.backend as CpuBackend;
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo>;
    const attrs = args.attrs as NamedAttrMap;
    const activation = (attrs.activation ?? "linear") as string;
    const transposeA = Boolean(attrs.transposeA), transposeB = Boolean(attrs.transposeB);
    const av = f32(backend, a), bv = f32(backend, b);
    const biasV = bias ? f32(backend, bias) : null;
    if (!av || !bv || a.shape.length < 2 || b.shape.length < 2 || (bias && !biasV) ||
      preluActivationWeights || (activation !== "linear" && activation !== "relu")) {
      return fallback(args);
    }
    const d = matMulDims(a, b, transposeA, transposeB);
    if (d.k !== d.kb) return fallback(args);
    let out = alloc(d.batch * d.m * d.n);
    addon.matmul(av, bv, out, d.batch, d.batchA, d.batchB, d.m, d.n, d.k, +transposeA,
      +transposeB);
    let outShape = d.outShape;
    if (bias && biasV) {
      const shape = tf.backend_util.assertAndGetBroadcastShape(outShape, bias.shape);
      const rank = shape.length;
      if (rank > MAX_RANK) return fallback(args);
      const sum = alloc(size(shape));
      dims[0] = rank;
      for (let i = 0; i < rank; i++) {
        dims[1 + i] = shape[i];
        dims[1 + rank + i] = outShape[i - (rank - outShape.length)] ?? 1;
        dims[1 + 2 * rank + i] = bias.shape[i - (rank - bias.shape.length)] ?? 1;
      }
      addon.binary(BINARY_OPS.Add, out, biasV, sum, dims);
      out = sum;
      outShape = shape;
    }
    if (activation === "relu") addon.unary(UNARY_OPS.Relu, out, out, out.length, 0);
    return backend.makeTensorInfo(outShape, "float32", out);
  },
};

/** Copies the box [begin, begin + size) of a tensor of `shape` out of `full` (or into it). */
function sliceInto(addon: NativeAddon, full: Float32Array, box: Float32Array, shape: number[],
  begin: number[], boxSize: number[], toFull: boolean): void {
  const rank = shape.length;
  dims[0] = rank;
  for (let i = 0; i < rank; i++) {
    dims[1 + i] = shape[i];
    dims[1 + rank + i] = begin[i];
    dims[1 + 2 * rank + i] = boxSize[i];
  }
  addon.slice(full, box, dims, toFull ? 1 : 0);
}

const sliceKernel: NativeKernel = {
  kernelName: "Slice",
  make: (addon, fallback) => (args: KernelArgs) => {
    const backend = args.backend as CpuBackend;
    const { x } = args.inputs as { x: TensorInfo };
    const attrs = args.attrs as NamedAttrMap;
    const xv = f32(backend, x);
    if (!xv || x.shape.length === 0 || x.shape.length > MAX_RANK) return fallback(args);
    const [begin, boxSize] = tf.slice_util.parseSliceParams(x, attrs.begin as number[],
      attrs.size as number[]);
    tf.slice_util.assertParamsValid(x, begin, boxSize);
    const out = alloc(size(boxSize));
    sliceInto(addon, xv, out, x.shape, begin, boxSize, false);
    return backend.makeTensorInfo(boxSize, "float32", out);
  },
};

// tf.split: one slice per piece along `axis`.
const splitVKernel: NativeKernel = {
  kernelName: "SplitV",
  make: (addon, fallback) => (args: KernelArgs) => {
    const backend = args.backend as CpuBackend;
    const { x } = args.inputs as { x: TensorInfo };
    const attrs = args.attrs as NamedAttrMap;
    const xv = f32(backend, x);
    if (!xv || x.shape.length === 0 || x.shape.length > MAX_RANK) return fallback(args);
    const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor,
      attrs.numOrSizeSplits as number | number[], axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const boxSize = x.shape.slice();
      boxSize[axis] = s;
      const out = alloc(size(boxSize));
      sliceInto(addon, xv, out, x.shape, begin, boxSize, false);
      begin[axis] += s;
      return backend.makeTensorInfo(boxSize, "float32", out);
    });
  },
};

const concatKernel: NativeKernel = {
  kernelName: "Concat",
  make: (addon, fallback) => (args: KernelArgs) => {
    const backend = args.backend as CpuBackend;
    const tensors = args.inputs as unknown as TensorInfo[];
    const values = tensors.map((t) => f32(backend, t));
    if (tensors.length === 0 || values.some((v) => !v) || tensors[0].shape.length === 0 ||
      tensors[0].shape.length > MAX_RANK) {
      return fallback(args);
    }
    const axis = tf.util.parseAxisParam((args.attrs as NamedAttrMap).axis as number,
      tensors[0].shape)[0];
    const shapes = tensors.map((t) => t.shape);
    tf.backend_util.assertParamsConsistent(shapes, axis);
    const outShape = tf.backend_util.computeOutShape(shapes, axis);
    const out = alloc(size(outShape));
    const begin = new Array<number>(outShape.length).fill(0);
    tensors.forEach((t, i) => {
      sliceInto(addon, out, values[i] as Float32Array, outShape, begin, t.shape, true);
      begin[axis] += t.shape[axis];
    });
    return backend.makeTensorInfo(outShape, "float32", out);
  },
};

// tf.pad with a constant (also the gradient of slice): fill, then place x inside.
const padKernel: NativeKernel = {
  kernelName: "PadV2",
  make: (addon, fallback) => (args: KernelArgs) => {
    const backend = args.backend as CpuBackend;
    const { x } = args.inputs as { x: TensorInfo };
    const attrs = args.attrs as NamedAttrMap;
    const paddings = attrs.paddings as [number, number][];
    const xv = f32(backend, x);
    if (!xv || x.shape.length === 0 || x.shape.length > MAX_RANK || paddings.length !== x.shape.length) {
      return fallback(args);
    }
    const outShape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
    const out = alloc(size(outShape));
    out.fill(Number(attrs.constantValue ?? 0));
    if (xv.length > 0) sliceInto(addon, out, xv, outShape, paddings.map((p) => p[0]), x.shape, true);
    return backend.makeTensorInfo(outShape, "float32", out);
  },
};

const unsortedSegmentSumKernel: NativeKernel = {
  kernelName: "UnsortedSegmentSum",
  make: (addon, fallback) => (args: KernelArgs) => {
    const backend = args.backend as CpuBackend;
    const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
    const numSegments = Number((args.attrs as NamedAttrMap).numSegments);
    const xv = f32(backend, x), ids = i32(backend, segmentIds);
    if (!xv || !ids || x.shape.length < 1 || segmentIds.shape.length !== 1 ||
      ids.length !== x.shape[0]) {
      return fallback(args);
    }
    const innerShape = x.shape.slice(1);
    const inner = size(innerShape);
    const out = new Float32Array(numSegments * inner); // zeroed: the sum accumulates
    addon.segmentSum(xv, ids, out, ids.length, numSegments, inner);
    return backend.makeTensorInfo([numSegments, ...innerShape], "float32", out);
  },
};

const gatherKernel: NativeKernel = {
  kernelName: "GatherV2",
  make: (addon, fallback) => (args: KernelArgs) => {
    const backend = args.backend as CpuBackend;
    const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
    const attrs = args.attrs as NamedAttrMap;
    const xv = f32(backend, x), idx = i32(backend, indices);
    if (!xv || !idx || Number(attrs.batchDims ?? 0) !== 0 || x.shape.length === 0) {
      return fallback(args);
    }
    const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
    const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    const outer = size(x.shape.slice(0, axis));
    const inner = size(x.shape.slice(axis + 1));
    const out = alloc(size(outShape));
    // An index out of range: let the pure kernel raise tfjs's own error.
    if (!addon.gather(xv, idx, out, outer, x.shape[axis], inner, idx.length)) return fallback(args);
    return backend.makeTensorInfo(outShape, "float32", out);
  },
};

const addNKernel: NativeKernel = {
  kernelName: "AddN",
  make: (addon, fallback) => (args: KernelArgs) => {
    const backend = args.backend as CpuBackend;
    const tensors = args.inputs as unknown as TensorInfo[];
    const values = tensors.map((t) => f32(backend, t));
    const shape = tensors[0]?.shape;
    if (!shape || values.some((v) => !v) ||
      tensors.some((t) => !tf.util.arraysEqual(t.shape, shape))) {
      return fallback(args);
    }
    const out = alloc(size(shape));
    addon.addN(values as Float32Array[], out);
    return backend.makeTensorInfo(shape, "float32", out);
  },
};

/** Every kernel this module can replace on the `cpu` backend, in registration order. */
export const NATIVE_KERNELS: NativeKernel[] = [
  batchMatMulKernel,
  fusedMatMulKernel,
  ...(Object.keys(BINARY_OPS) as (keyof typeof BINARY_OPS)[]).map(binaryKernel),
  ...(Object.keys(UNARY_OPS) as (keyof typeof UNARY_OPS)[]).map(unaryKernel),
  ...(Object.keys(REDUCE_OPS) as (keyof typeof REDUCE_OPS)[]).map(reduceKernel),
  softmaxKernel,
  transposeKernel,
  sliceKernel,
  splitVKernel,
  concatKernel,
  padKernel,
  unsortedSegmentSumKernel,
  gatherKernel,
  addNKernel,
];
