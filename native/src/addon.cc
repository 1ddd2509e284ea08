// N-API surface of the kernels: each function takes typed arrays the caller allocated (inputs and
// output) plus sizes, and returns nothing (gather returns false on an out-of-range index).
// Shapes travel in one Int32Array so that no JavaScript array is walked per call.
#include <napi.h>

#include <malloc.h>

#include <string>
#include <vector>

#include "gemm.h"
#include "kernels.h"

#ifdef RK_HAVE_OPENBLAS
extern "C" {
// OpenBLAS extra, declared in its cblas.h on Debian but not on every distribution.
char* openblas_get_config(void);
}
#endif

namespace {

inline float* F32(const Napi::Value& v) { return v.As<Napi::Float32Array>().Data(); }
inline const int32_t* I32(const Napi::Value& v) { return v.As<Napi::Int32Array>().Data(); }
inline int64_t Int(const Napi::Value& v) { return v.As<Napi::Number>().Int64Value(); }
inline float Flt(const Napi::Value& v) { return v.As<Napi::Number>().FloatValue(); }

// matmul(a, b, out, batch, batchA, batchB, m, n, k, transA, transB)
Napi::Value MatMul(const Napi::CallbackInfo& info) {
  rk::matmul(F32(info[0]), F32(info[1]), F32(info[2]), Int(info[3]), Int(info[4]), Int(info[5]),
             Int(info[6]), Int(info[7]), Int(info[8]), Int(info[9]) != 0, Int(info[10]) != 0);
  return info.Env().Undefined();
}

// binary(op, a, b, out, dims) with dims = [rank, outShape..., aShape..., bShape...]
Napi::Value Binary(const Napi::CallbackInfo& info) {
  const int32_t* d = I32(info[4]);
  const int rank = d[0];
  int64_t o[16], a[16], b[16];
  for (int i = 0; i < rank; ++i) {
    o[i] = d[1 + i];
    a[i] = d[1 + rank + i];
    b[i] = d[1 + 2 * rank + i];
  }
  rk::binary(static_cast<int>(Int(info[0])), F32(info[1]), a, F32(info[2]), b, F32(info[3]), o,
             rank);
  return info.Env().Undefined();
}

// unary(op, x, out, n, alpha)
Napi::Value Unary(const Napi::CallbackInfo& info) {
  rk::unary(static_cast<int>(Int(info[0])), F32(info[1]), F32(info[2]), Int(info[3]),
            Flt(info[4]));
  return info.Env().Undefined();
}

// reduce(op, x, out, outer, red, inner)
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  rk::reduce(static_cast<int>(Int(info[0])), F32(info[1]), F32(info[2]), Int(info[3]),
             Int(info[4]), Int(info[5]));
  return info.Env().Undefined();
}

// softmax(x, out, rows, cols)
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  rk::softmax(F32(info[0]), F32(info[1]), Int(info[2]), Int(info[3]));
  return info.Env().Undefined();
}

// transpose(x, out, dims) with dims = [rank, shape..., perm...]
Napi::Value Transpose(const Napi::CallbackInfo& info) {
  const int32_t* d = I32(info[2]);
  const int rank = d[0];
  int64_t shape[16], perm[16];
  for (int i = 0; i < rank; ++i) {
    shape[i] = d[1 + i];
    perm[i] = d[1 + rank + i];
  }
  rk::transpose(F32(info[0]), F32(info[1]), shape, perm, rank);
  return info.Env().Undefined();
}

// slice(full, box, dims, toFull) with dims = [rank, shape..., begin..., size...]
Napi::Value Slice(const Napi::CallbackInfo& info) {
  const int32_t* d = I32(info[2]);
  const int rank = d[0];
  int64_t shape[16], begin[16], size[16];
  for (int i = 0; i < rank; ++i) {
    shape[i] = d[1 + i];
    begin[i] = d[1 + rank + i];
    size[i] = d[1 + 2 * rank + i];
  }
  rk::slice_copy(F32(info[0]), F32(info[1]), shape, begin, size, rank, Int(info[3]) != 0);
  return info.Env().Undefined();
}

// segmentSum(data, segmentIds, out, n, numSegments, inner)
Napi::Value SegmentSum(const Napi::CallbackInfo& info) {
  rk::unsorted_segment_sum(F32(info[0]), I32(info[1]), F32(info[2]), Int(info[3]), Int(info[4]),
                           Int(info[5]));
  return info.Env().Undefined();
}

// gather(x, indices, out, outer, axisDim, inner, nIdx) -> false on an out-of-range index
Napi::Value Gather(const Napi::CallbackInfo& info) {
  const bool ok = rk::gather(F32(info[0]), I32(info[1]), F32(info[2]), Int(info[3]), Int(info[4]),
                             Int(info[5]), Int(info[6]));
  return Napi::Boolean::New(info.Env(), ok);
}

// addN([x0, x1, ...], out)
Napi::Value AddN(const Napi::CallbackInfo& info) {
  Napi::Array xs = info[0].As<Napi::Array>();
  Napi::Float32Array out = info[1].As<Napi::Float32Array>();
  std::vector<const float*> ptrs(xs.Length());
  for (uint32_t i = 0; i < xs.Length(); ++i) ptrs[i] = F32(xs.Get(i));
  rk::add_n(ptrs.data(), static_cast<int>(ptrs.size()), out.Data(),
            static_cast<int64_t>(out.ElementLength()));
  return info.Env().Undefined();
}

// adamw(p, m, v, g, pOut, mOut, vOut, lr, beta1, beta2, eps, bc1, bc2, weightDecay, scale)
Napi::Value AdamW(const Napi::CallbackInfo& info) {
  Napi::Float32Array p = info[0].As<Napi::Float32Array>();
  const rk::AdamWArgs args{Flt(info[7]), Flt(info[8]), Flt(info[9]), Flt(info[10]),
                           Flt(info[11]), Flt(info[12]), Flt(info[13]), Flt(info[14])};
  rk::adamw(p.Data(), F32(info[1]), F32(info[2]), F32(info[3]), F32(info[4]), F32(info[5]),
            F32(info[6]), static_cast<int64_t>(p.ElementLength()), args);
  return info.Env().Undefined();
}

// adamwInPlace(p, m, v, g, lr, beta1, beta2, eps, bc1, bc2, weightDecay, scale)
Napi::Value AdamWInPlace(const Napi::CallbackInfo& info) {
  Napi::Float32Array p = info[0].As<Napi::Float32Array>();
  const rk::AdamWArgs args{Flt(info[4]), Flt(info[5]), Flt(info[6]), Flt(info[7]),
                           Flt(info[8]), Flt(info[9]), Flt(info[10]), Flt(info[11])};
  rk::adamw_inplace(p.Data(), F32(info[1]), F32(info[2]), F32(info[3]),
                    static_cast<int64_t>(p.ElementLength()), args);
  return info.Env().Undefined();
}

// sumSquares(x) -> number
Napi::Value SumSquares(const Napi::CallbackInfo& info) {
  Napi::Float32Array x = info[0].As<Napi::Float32Array>();
  return Napi::Number::New(info.Env(),
                           rk::sum_squares(x.Data(), static_cast<int64_t>(x.ElementLength())));
}

// layerNorm(x, g, b, y, mean, rstd, rows, cols, eps)
Napi::Value LayerNorm(const Napi::CallbackInfo& info) {
  rk::layer_norm(F32(info[0]), F32(info[1]), F32(info[2]), F32(info[3]), F32(info[4]), F32(info[5]),
                 Int(info[6]), Int(info[7]), Flt(info[8]));
  return info.Env().Undefined();
}

// layerNormGrad(dy, x, g, mean, rstd, dx, dg, db, rows, cols)
Napi::Value LayerNormGrad(const Napi::CallbackInfo& info) {
  rk::layer_norm_grad(F32(info[0]), F32(info[1]), F32(info[2]), F32(info[3]), F32(info[4]),
                      F32(info[5]), F32(info[6]), F32(info[7]), Int(info[8]), Int(info[9]));
  return info.Env().Undefined();
}

// gelu(x, y, n) and geluGrad(dy, x, dx, n)
Napi::Value Gelu(const Napi::CallbackInfo& info) {
  rk::gelu(F32(info[0]), F32(info[1]), Int(info[2]));
  return info.Env().Undefined();
}

Napi::Value GeluGrad(const Napi::CallbackInfo& info) {
  rk::gelu_grad(F32(info[0]), F32(info[1]), F32(info[2]), Int(info[3]));
  return info.Env().Undefined();
}

inline float* F32OrNull(const Napi::Value& v) { return v.IsNull() || v.IsUndefined() ? nullptr : F32(v); }

// attention(qkv, cacheK|null, cacheV|null, keyMask Int32Array|null, y, probs|null, B, T, P, H, D,
//           capacity)
Napi::Value Attention(const Napi::CallbackInfo& info) {
  const int32_t* mask = info[3].IsNull() || info[3].IsUndefined() ? nullptr : I32(info[3]);
  rk::attention_forward(F32(info[0]), F32OrNull(info[1]), F32OrNull(info[2]), mask, F32(info[4]),
                        F32OrNull(info[5]), Int(info[6]), Int(info[7]), Int(info[8]), Int(info[9]),
                        Int(info[10]), Int(info[11]));
  return info.Env().Undefined();
}

// attentionGrad(dy, qkv, probs, dqkv, B, T, H, D)
Napi::Value AttentionGrad(const Napi::CallbackInfo& info) {
  rk::attention_backward(F32(info[0]), F32(info[1]), F32(info[2]), F32(info[3]), Int(info[4]),
                         Int(info[5]), Int(info[6]), Int(info[7]));
  return info.Env().Undefined();
}

// linear(x, w, b|null, residual|null, y, M, K, N)
Napi::Value Linear(const Napi::CallbackInfo& info) {
  rk::linear_forward(F32(info[0]), F32(info[1]), F32OrNull(info[2]), F32OrNull(info[3]),
                     F32(info[4]), Int(info[5]), Int(info[6]), Int(info[7]));
  return info.Env().Undefined();
}

// linearGrad(dy, x, w, dx|null, dw|null, db|null, M, K, N)
Napi::Value LinearGrad(const Napi::CallbackInfo& info) {
  rk::linear_backward(F32(info[0]), F32(info[1]), F32(info[2]), F32OrNull(info[3]),
                      F32OrNull(info[4]), F32OrNull(info[5]), Int(info[6]), Int(info[7]),
                      Int(info[8]));
  return info.Env().Undefined();
}

// embedding(table, ids, out, n, V, C) -> false on an id outside [0, V)
Napi::Value Embedding(const Napi::CallbackInfo& info) {
  const bool ok = rk::embedding_forward(F32(info[0]), I32(info[1]), F32(info[2]), Int(info[3]),
                                        Int(info[4]), Int(info[5]));
  return Napi::Boolean::New(info.Env(), ok);
}

// embeddingGrad(dy, ids, dtable, n, V, C)
Napi::Value EmbeddingGrad(const Napi::CallbackInfo& info) {
  rk::embedding_backward(F32(info[0]), I32(info[1]), F32(info[2]), Int(info[3]), Int(info[4]),
                         Int(info[5]));
  return info.Env().Undefined();
}

// tokenLogprobs(logits, targets, lp, lse, N, V) -> false on an out-of-range target
Napi::Value TokenLogprobs(const Napi::CallbackInfo& info) {
  const bool ok = rk::token_logprobs(F32(info[0]), I32(info[1]), F32(info[2]), F32(info[3]),
                                     Int(info[4]), Int(info[5]));
  return Napi::Boolean::New(info.Env(), ok);
}

// tokenLogprobsGrad(dlp, logits, targets, lse, dlogits, N, V)
Napi::Value TokenLogprobsGrad(const Napi::CallbackInfo& info) {
  rk::token_logprobs_grad(F32(info[0]), F32(info[1]), I32(info[2]), F32(info[3]), F32(info[4]),
                          Int(info[5]), Int(info[6]));
  return info.Env().Undefined();
}

// tuneMalloc(mmapThreshold, trimThreshold): keep freed tensor buffers in glibc's heap instead of
// unmapping them, so the next tensor of that size reuses warm pages. Without it every output over
// 128 KiB is a fresh mmap whose page faults cost 10x the kernel itself.
Napi::Value TuneMalloc(const Napi::CallbackInfo& info) {
#ifdef __GLIBC__
  const bool ok = mallopt(M_MMAP_THRESHOLD, static_cast<int>(Int(info[0]))) == 1 &&
                  mallopt(M_TRIM_THRESHOLD, static_cast<int>(Int(info[1]))) == 1 &&
                  mallopt(M_TOP_PAD, 16 << 20) == 1;
  return Napi::Boolean::New(info.Env(), ok);
#else
  return Napi::Boolean::New(info.Env(), false);
#endif
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  rk::set_max_threads(static_cast<int>(Int(info[0])));
  return info.Env().Undefined();
}

// sgemm(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc): the product every kernel
// uses, by the active GEMM (tests compare it with a reference on odd shapes and strides).
Napi::Value Sgemm(const Napi::CallbackInfo& info) {
  rk::gemm(Int(info[0]) != 0, Int(info[1]) != 0, Int(info[2]), Int(info[3]), Int(info[4]),
           Flt(info[5]), F32(info[6]), Int(info[7]), F32(info[8]), Int(info[9]), Flt(info[10]),
           F32(info[11]), Int(info[12]));
  return info.Env().Undefined();
}

// setGemm("own" | "own:generic" | "own:avx2" | "own:avx512" | "openblas"): false when this build
// or CPU lacks it.
Napi::Value SetGemm(const Napi::CallbackInfo& info) {
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  return Napi::Boolean::New(info.Env(), rk::set_gemm(name.c_str()));
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
#ifdef RK_HAVE_OPENBLAS
  o.Set("blas", Napi::String::New(info.Env(), openblas_get_config()));
#else
  o.Set("blas", Napi::String::New(info.Env(), "none"));
#endif
  o.Set("blasThreads", Napi::Number::New(info.Env(), rk::max_threads()));
  o.Set("gemm", Napi::String::New(info.Env(), rk::gemm_name()));
  o.Set("gemmReason", Napi::String::New(info.Env(), rk::gemm_reason()));
  o.Set("gemmKernel", Napi::String::New(info.Env(), rk::own_sgemm_kernel()));
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("matmul", Napi::Function::New(env, MatMul));
  exports.Set("binary", Napi::Function::New(env, Binary));
  exports.Set("unary", Napi::Function::New(env, Unary));
  exports.Set("reduce", Napi::Function::New(env, Reduce));
  exports.Set("softmax", Napi::Function::New(env, Softmax));
  exports.Set("transpose", Napi::Function::New(env, Transpose));
  exports.Set("slice", Napi::Function::New(env, Slice));
  exports.Set("segmentSum", Napi::Function::New(env, SegmentSum));
  exports.Set("gather", Napi::Function::New(env, Gather));
  exports.Set("addN", Napi::Function::New(env, AddN));
  exports.Set("adamw", Napi::Function::New(env, AdamW));
  exports.Set("adamwInPlace", Napi::Function::New(env, AdamWInPlace));
  exports.Set("sumSquares", Napi::Function::New(env, SumSquares));
  exports.Set("layerNorm", Napi::Function::New(env, LayerNorm));
  exports.Set("layerNormGrad", Napi::Function::New(env, LayerNormGrad));
  exports.Set("gelu", Napi::Function::New(env, Gelu));
  exports.Set("geluGrad", Napi::Function::New(env, GeluGrad));
  exports.Set("attention", Napi::Function::New(env, Attention));
  exports.Set("attentionGrad", Napi::Function::New(env, AttentionGrad));
  exports.Set("linear", Napi::Function::New(env, Linear));
  exports.Set("linearGrad", Napi::Function::New(env, LinearGrad));
  exports.Set("embedding", Napi::Function::New(env, Embedding));
  exports.Set("embeddingGrad", Napi::Function::New(env, EmbeddingGrad));
  exports.Set("tokenLogprobs", Napi::Function::New(env, TokenLogprobs));
  exports.Set("tokenLogprobsGrad", Napi::Function::New(env, TokenLogprobsGrad));
  exports.Set("tuneMalloc", Napi::Function::New(env, TuneMalloc));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("info", Napi::Function::New(env, Info));
  exports.Set("sgemm", Napi::Function::New(env, Sgemm));
  exports.Set("setGemm", Napi::Function::New(env, SetGemm));
  return exports;
}

}  // namespace

NODE_API_MODULE(rlhf_kernels, Init)
