// Float32 CPU kernels behind the tfjs `cpu` backend (see workers/kernels/index.ts).
// Every function works on plain row-major buffers owned by the caller; none allocates
// an output. Shapes arrive as int64 arrays, already validated on the JavaScript side.
#pragma once
#include <cstdint>

namespace rk {

enum BinaryOp { kAdd = 0, kSub, kMul, kDiv, kMax, kMin, kPow, kSqDiff };
enum UnaryOp {
  kExp = 0, kLog, kSqrt, kRsqrt, kTanh, kSigmoid, kRelu, kNeg, kSquare, kAbs,
  kErf, kReciprocal, kLog1p, kStep, kElu, kSoftplus
};
enum ReduceOp { kSum = 0, kMean, kRMax, kRMin, kProd };

// Threads a large product may use (OpenBLAS's, or our pool's for our GEMM; small ones run on one).
void set_max_threads(int n);
int max_threads();

// Which GEMM rk::gemm runs: "openblas" (cblas_sgemm, when built with it; the default unless its
// kernels are pre-AVX2 on an AVX2 CPU) or "own" (gemm.cc; the only one without OpenBLAS).
// RLHF_GEMM=own|openblas at load chooses. set_gemm returns
// false for a name this build lacks. "own:generic", "own:avx2", "own:avx512" also pick our
// GEMM's micro-kernel (false where the CPU lacks it).
bool set_gemm(const char* name);
const char* gemm_name();
// Why that one: RLHF_GEMM, no OpenBLAS in the build, or OpenBLAS's kernels being pre-AVX2 on a CPU
// ours vectorise for (then ours is the default).
const char* gemm_reason();

// One product (row major, C = alpha op(A) op(B) + beta C) on as many threads as its size pays for
// (one below ~32 MFLOP), by the active GEMM. The fused kernels call this rather than cblas directly.
void gemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k, float alpha, const float* A,
          int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc);

// C[b] = op(A[b % batchA]) * op(B[b % batchB]) for b < batch (tfjs's batch broadcast rule).
void matmul(const float* a, const float* b, float* c, int64_t batch, int64_t batchA,
            int64_t batchB, int64_t m, int64_t n, int64_t k, bool transA, bool transB);

// out = a (op) b with numpy broadcasting; aShape/bShape are left-padded to `rank`.
void binary(int op, const float* a, const int64_t* aShape, const float* b,
            const int64_t* bShape, float* out, const int64_t* outShape, int rank);

void unary(int op, const float* x, float* out, int64_t n, float alpha);

// x viewed as [outer, red, inner]; out is [outer, inner].
void reduce(int op, const float* x, float* out, int64_t outer, int64_t red, int64_t inner);

// Softmax over the last axis of x viewed as [rows, cols].
void softmax(const float* x, float* out, int64_t rows, int64_t cols);

// out = transpose(x, perm).
void transpose(const float* x, float* out, const int64_t* shape, const int64_t* perm, int rank);

// toFull=false: box = full[begin : begin + size]; toFull=true: full[begin : begin + size] = box.
void slice_copy(float* full, float* box, const int64_t* shape, const int64_t* begin,
                const int64_t* size, int rank, bool toFull);

// out[seg[i], :] += data[i, :] for 0 <= seg[i] < numSegments; out must be zeroed.
void unsorted_segment_sum(const float* data, const int32_t* seg, float* out, int64_t n,
                          int64_t numSegments, int64_t inner);

// x viewed as [outer, axisDim, inner]; out is [outer, nIdx, inner]. Returns false on a bad index.
bool gather(const float* x, const int32_t* idx, float* out, int64_t outer, int64_t axisDim,
            int64_t inner, int64_t nIdx);

// out = sum of n buffers of length len.
void add_n(const float* const* xs, int n, float* out, int64_t len);

struct AdamWArgs {
  float lr, beta1, beta2, eps, bc1, bc2, weightDecay, scale;
};

// One AdamW update of one parameter, out of place (the step of workers/train/adamw.ts):
//   g' = g * scale; m' = b1 m + (1-b1) g'; v' = b2 v + (1-b2) g'^2;
//   p' = p - lr (m'/bc1) / (sqrt(v'/bc2) + eps) - lr wd p
void adamw(const float* p, const float* m, const float* v, const float* g, float* pOut,
           float* mOut, float* vOut, int64_t n, const AdamWArgs& args);

// The same update in place (p, m and v overwritten; four distinct buffers): half the memory traffic
// and no new buffers, for parameters whose storage nothing else can see.
void adamw_inplace(float* p, float* m, float* v, const float* g, int64_t n, const AdamWArgs& args);

// Sum of squares in double precision (global gradient norm).
double sum_squares(const float* x, int64_t n);

// LayerNorm over the last axis of x [rows, cols]: y = (x - mean) * rstd * g + b; mean and rstd
// [rows] are kept for the gradient.
void layer_norm(const float* x, const float* g, const float* b, float* y, float* mean,
                float* rstd, int64_t rows, int64_t cols, float eps);
// Its gradient: dx [rows, cols], dg and db [cols].
void layer_norm_grad(const float* dy, const float* x, const float* g, const float* mean,
                     const float* rstd, float* dx, float* dg, float* db, int64_t rows,
                     int64_t cols);
// GPT-2's tanh GELU and its gradient.
void gelu(const float* x, float* y, int64_t n);
void gelu_grad(const float* dy, const float* x, float* dx, int64_t n);

// Fused causal self-attention (fused.cc). qkv [B, T, 3C] (C = H * D) holds the new positions'
// queries, keys and values. Without a cache (cacheK null, P == 0) they attend to themselves; with
// one (cacheK/cacheV [B, H, capacity, D] holding P earlier positions, P + T <= capacity) the new
// keys/values are first written in place at positions P .. P+T-1 and the queries attend to all
// P + T. Causal: query t sees keys 0 .. P + t whose keyMask [B, P + T] entry is non-zero (keyMask
// may be null: all real). y [B, T, C] gets the heads merged. probs [B, H, T, P + T] keeps the
// attention weights for the backward pass (may be null). A query that may see no key gets zeros.
void attention_forward(const float* qkv, float* cacheK, float* cacheV, const int32_t* keyMask,
                       float* y, float* probs, int64_t B, int64_t T, int64_t P, int64_t H,
                       int64_t D, int64_t capacity);
// Its gradient without a cache (P == 0): dqkv [B, T, 3C] from dy [B, T, C] and the saved probs.
void attention_backward(const float* dy, const float* qkv, const float* probs, float* dqkv,
                        int64_t B, int64_t T, int64_t H, int64_t D);

// y [M, N] = residual [M, N] + x [M, K] @ w [K, N] + b [N] (b and residual may be null), and its
// gradient: dx = dy w^T, dw = x^T dy, db = column sums of dy (each output may be null when not
// wanted; the residual's gradient is dy itself).
void linear_forward(const float* x, const float* w, const float* b, const float* residual, float* y,
                    int64_t M, int64_t K, int64_t N);
void linear_backward(const float* dy, const float* x, const float* w, float* dx, float* dw,
                     float* db, int64_t M, int64_t K, int64_t N);

// Row lookup out[i, :] = table[ids[i], :] for table [V, C] (false on an id outside [0, V)), and its
// gradient dtable [V, C] = sum of the rows of dy whose id is v (dtable is overwritten).
bool embedding_forward(const float* table, const int32_t* ids, float* out, int64_t n, int64_t V,
                       int64_t C);
void embedding_backward(const float* dy, const int32_t* ids, float* dtable, int64_t n, int64_t V,
                        int64_t C);

// Log-probability of each target under the softmax of its logits row: lp[n] = logits[n, t_n] -
// lse[n], lse[n] = logsumexp(logits[n, :]) (kept for the gradient). False on a target outside [0, V).
bool token_logprobs(const float* logits, const int32_t* targets, float* lp, float* lse, int64_t N,
                    int64_t V);
// Its gradient: dlogits[n, v] = dlp[n] * ([v == t_n] - softmax(logits[n])[v]).
void token_logprobs_grad(const float* dlp, const float* logits, const int32_t* targets,
                         const float* lse, float* dlogits, int64_t N, int64_t V);

}  // namespace rk
