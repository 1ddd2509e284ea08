// Float32 kernels: OpenBLAS sgemm (or our own, gemm.cc, where the build has no OpenBLAS or
// RLHF_GEMM=own) for matrix products, plain loops the compiler vectorises for the rest.
// Single-threaded except inside the GEMM (OpenBLAS's pthreads or our pool use both cores): on this
// machine PyTorch's element-wise ops are single-threaded too (torch.get_num_threads() == 1).
#include "kernels.h"
#include "fastmath.h"
#include "pool.h"

#include "gemm.h"

#ifdef RK_HAVE_OPENBLAS
#include <cblas.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <strings.h>
#include <thread>
#include <vector>

namespace rk {

// ---------------------------------------------------------------------------------------------
// Matrix multiply

#ifdef RK_HAVE_OPENBLAS
extern "C" {
void openblas_set_num_threads(int);
int openblas_get_num_threads(void);
char* openblas_get_corename(void);
}
// OpenBLAS's kernels for CPUs with AVX2 or AVX-512. A DYNAMIC_ARCH OpenBLAS that does not know the
// CPU (Debian's 0.3.21 on a virtual "Intel Xeon Processor") falls back to its SSE3 "Prescott"
// kernels, 4-8x slower than ours on the same machine: then our GEMM is the default.
static bool openblas_is_vectorised() {
  static const char* kCores[] = {"haswell", "zen", "skylakex", "cooperlake", "sapphirerapids"};
  const char* core = openblas_get_corename();
  if (!core) return false;
  for (const char* k : kCores)
    if (strcasecmp(core, k) == 0) return true;
  return false;
}
static const char* g_reason = "";
// RLHF_GEMM=own|openblas at load chooses; unset, OpenBLAS unless its kernels are slower than ours.
static bool g_own = [] {
  const char* e = std::getenv("RLHF_GEMM");
  if (e && std::strcmp(e, "own") == 0) return (g_reason = "RLHF_GEMM=own"), true;
  if (e && std::strcmp(e, "openblas") == 0) return (g_reason = "RLHF_GEMM=openblas"), false;
  if (own_sgemm_vectorised() && !openblas_is_vectorised()) {
    g_reason = "OpenBLAS runs pre-AVX2 kernels on this CPU";
    return true;
  }
  g_reason = "OpenBLAS found at build time";
  return false;
}();
#else
static const char* g_reason = "built without OpenBLAS";
static bool g_own = true;
#endif

const char* gemm_reason() { return g_reason; }

bool set_gemm(const char* name) {
  if (std::strncmp(name, "own", 3) == 0) {
    if (name[3] == ':' && !own_sgemm_set_kernel(name + 4)) return false;
    if (name[3] != ':' && name[3] != '\0') return false;
    g_own = true;
    g_reason = "setGemm";
    return true;
  }
#ifdef RK_HAVE_OPENBLAS
  if (std::strcmp(name, "openblas") == 0) {
    g_own = false;
    g_reason = "setGemm";
    return true;
  }
#endif
  return false;
}

const char* gemm_name() { return g_own ? "own" : "openblas"; }

static int g_max_threads = -1, g_current = -1;

void set_max_threads(int n) {
  g_max_threads = n > 0 ? n : 1;
  g_current = g_max_threads;
#ifdef RK_HAVE_OPENBLAS
  openblas_set_num_threads(g_max_threads);
#endif
}

int max_threads() {
#ifdef RK_HAVE_OPENBLAS
  if (g_max_threads < 0) g_max_threads = g_current = openblas_get_num_threads();
#else
  if (g_max_threads < 0) g_max_threads = g_current = std::max(1u, std::thread::hardware_concurrency());
#endif
  return g_max_threads;
}

// One product on up to `threads` threads, by whichever GEMM is active.
static void sgemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k, float alpha,
                  const float* A, int64_t lda, const float* B, int64_t ldb, float beta, float* C,
                  int64_t ldc, int threads) {
#ifdef RK_HAVE_OPENBLAS
  if (!g_own) {
    if (threads != g_current) {
      openblas_set_num_threads(threads);
      g_current = threads;
    }
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
                transB ? CblasTrans : CblasNoTrans, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
    return;
  }
#endif
  own_sgemm(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, threads);
}

// A second thread pays off only on large products: below ~32 MFLOP per sgemm call, waking it
// costs more than it saves (measured on 2 cores: 1024x32x96 runs faster on one thread). Except
// when the call streams a large matrix through few rows (decoding: [4, 512] x [512, 2048]): that is
// bound by memory bandwidth, which one core cannot saturate (d_model 512 greedy decoding: 300 ms a
// run on two threads, 400 on one, idle machine).
constexpr int64_t kParallelFlops = 32LL << 20;
constexpr int64_t kParallelStreamFloats = 1LL << 18;  // 1 MiB of float32

static bool worth_threads(int64_t m, int64_t n, int64_t k) {
  return 2 * m * n * k >= kParallelFlops || n * k >= kParallelStreamFloats;
}

void gemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k, float alpha, const float* A,
          int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  if (m == 0 || n == 0) return;
  sgemm(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc,
        worth_threads(m, n, k) ? max_threads() : 1);
}

void matmul(const float* a, const float* b, float* c, int64_t batch, int64_t batchA,
            int64_t batchB, int64_t m, int64_t n, int64_t k, bool transA, bool transB) {
  if (m == 0 || n == 0 || batch == 0) return;
  if (k == 0) {
    std::memset(c, 0, sizeof(float) * batch * m * n);
    return;
  }
  const int64_t lda = transA ? m : k;
  const int64_t ldb = transB ? k : n;
  // [batch*m, k] x [k, n]: one large product instead of `batch` small ones.
  const bool merged = batchB == 1 && !transA && batchA == batch;
  const int64_t rowsTotal = merged ? batch * m : m;
  const int64_t allFlops = 2 * batch * m * n * k;
  Pool& pool = Pool::get();
  // With our pool (RLHF_NATIVE_THREADS=2) large work is split across it and each sgemm runs on one
  // thread; without it OpenBLAS threads the calls that are large enough.
  const bool split = pool.parts() > 1 && allFlops >= kParallelFlops;
  const int threads = pool.parts() > 1 || !worth_threads(rowsTotal, n, k) ? 1 : max_threads();

  // Rows [r0, r1) of op(A) @ op(B) for one matrix pair; row r of op(A) starts at A + r*lda, or at
  // A + r when A is stored transposed.
  auto rows = [&](const float* A, const float* B, float* C, int64_t r0, int64_t r1) {
    if (r1 <= r0) return;
    const float* As = transA ? A + r0 : A + r0 * lda;
    sgemm(transA, transB, r1 - r0, n, k, 1.0f, As, lda, B, ldb, 0.0f, C + r0 * n, n, threads);
  };
  auto pair = [&](int64_t bi, int64_t r0, int64_t r1) {
    rows(a + (bi % batchA) * m * k, b + (bi % batchB) * k * n, c + bi * m * n, r0, r1);
  };
  if (!split) {
    if (merged) return rows(a, b, c, 0, rowsTotal);
    for (int64_t bi = 0; bi < batch; ++bi) pair(bi, 0, m);
    return;
  }
  pool.run([&](int p, int parts) {
    int64_t lo, hi;
    if (merged) {
      split_range(rowsTotal, p, parts, &lo, &hi);
      rows(a, b, c, lo, hi);
    } else if (batch >= parts) {
      split_range(batch, p, parts, &lo, &hi);
      for (int64_t bi = lo; bi < hi; ++bi) pair(bi, 0, m);
    } else {
      split_range(m, p, parts, &lo, &hi);
      for (int64_t bi = 0; bi < batch; ++bi) pair(bi, lo, hi);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Element-wise binary ops with broadcasting

namespace {

struct AddF { static inline float f(float a, float b) { return a + b; } };
struct SubF { static inline float f(float a, float b) { return a - b; } };
struct MulF { static inline float f(float a, float b) { return a * b; } };
struct DivF { static inline float f(float a, float b) { return a / b; } };
struct MaxF {
  static inline float f(float a, float b) {
    return (std::isnan(a) || std::isnan(b)) ? NAN : (a > b ? a : b);
  }
};
struct MinF {
  static inline float f(float a, float b) {
    return (std::isnan(a) || std::isnan(b)) ? NAN : (a < b ? a : b);
  }
};
struct PowF { static inline float f(float a, float b) { return std::pow(a, b); } };
struct SqDiffF { static inline float f(float a, float b) { float d = a - b; return d * d; } };

// Inner loop over one contiguous run: each operand steps by 1 or stays (stride 0).
template <class Op>
inline void run(const float* __restrict a, int64_t sa, const float* __restrict b, int64_t sb,
                float* __restrict o, int64_t n) {
  if (sa && sb) {
    for (int64_t i = 0; i < n; ++i) o[i] = Op::f(a[i], b[i]);
  } else if (sa) {
    const float bv = b[0];
    for (int64_t i = 0; i < n; ++i) o[i] = Op::f(a[i], bv);
  } else if (sb) {
    const float av = a[0];
    for (int64_t i = 0; i < n; ++i) o[i] = Op::f(av, b[i]);
  } else {
    const float v = Op::f(a[0], b[0]);
    for (int64_t i = 0; i < n; ++i) o[i] = v;
  }
}

template <class Op>
void binary_rows(const float* a, const float* b, float* out, const int64_t* dims,
                 const int64_t* sa, const int64_t* sb, int r, int64_t o0, int64_t o1) {
  if (o1 <= o0) return;
  const int64_t inner = dims[r - 1];
  const int64_t isa = sa[r - 1], isb = sb[r - 1];
  // Odometer position and operand offsets of row o0.
  int64_t idx[16] = {0};
  int64_t offA = 0, offB = 0, rem = o0;
  for (int d = r - 2; d >= 0; --d) {
    idx[d] = rem % dims[d];
    rem /= dims[d];
    offA += idx[d] * sa[d];
    offB += idx[d] * sb[d];
  }
  for (int64_t o = o0; o < o1; ++o) {
    run<Op>(a + offA, isa, b + offB, isb, out + o * inner, inner);
    // Advance the odometer over dims[0 .. r-2].
    for (int d = r - 2; d >= 0; --d) {
      offA += sa[d];
      offB += sb[d];
      if (++idx[d] < dims[d]) break;
      offA -= sa[d] * dims[d];
      offB -= sb[d] * dims[d];
      idx[d] = 0;
    }
  }
}

template <class Op>
void binary_impl(const float* a, const int64_t* aShape, const float* b, const int64_t* bShape,
                 float* out, const int64_t* outShape, int rank) {
  // Collapse: drop size-1 output dims, merge neighbours whose broadcast pattern agrees.
  int64_t dims[16];
  bool fa[16], fb[16];
  int r = 0;
  for (int i = 0; i < rank; ++i) {
    if (outShape[i] == 1) continue;
    const bool ia = aShape[i] != 1, ib = bShape[i] != 1;
    if (r > 0 && fa[r - 1] == ia && fb[r - 1] == ib) {
      dims[r - 1] *= outShape[i];
    } else {
      dims[r] = outShape[i];
      fa[r] = ia;
      fb[r] = ib;
      ++r;
    }
  }
  if (r == 0) {
    out[0] = Op::f(a[0], b[0]);
    return;
  }
  int64_t sa[16], sb[16];
  int64_t acca = 1, accb = 1;
  for (int i = r - 1; i >= 0; --i) {
    sa[i] = fa[i] ? acca : 0;
    sb[i] = fb[i] ? accb : 0;
    if (fa[i]) acca *= dims[i];
    if (fb[i]) accb *= dims[i];
  }
  const int64_t inner = dims[r - 1];
  const int64_t isa = sa[r - 1], isb = sb[r - 1];
  int64_t outer = 1;
  for (int i = 0; i < r - 1; ++i) outer *= dims[i];
  Pool& pool = Pool::get();
  if (outer == 1) {
    // One contiguous run (same shapes, or a scalar): split it.
    if (pool.parts() < 2 || inner < kParallelMin) return run<Op>(a, isa, b, isb, out, inner);
    pool.run([&](int p, int parts) {
      int64_t i0, i1;
      split_range(inner, p, parts, &i0, &i1);
      if (i1 > i0) run<Op>(a + i0 * isa, isa, b + i0 * isb, isb, out + i0, i1 - i0);
    });
    return;
  }
  if (pool.parts() < 2 || outer * inner < kParallelMin) {
    binary_rows<Op>(a, b, out, dims, sa, sb, r, 0, outer);
  } else {
    pool.run([&](int p, int parts) {
      int64_t o0, o1;
      split_range(outer, p, parts, &o0, &o1);
      binary_rows<Op>(a, b, out, dims, sa, sb, r, o0, o1);
    });
  }
}

}  // namespace

void binary(int op, const float* a, const int64_t* aShape, const float* b, const int64_t* bShape,
            float* out, const int64_t* outShape, int rank) {
  if (op == kPow) {
    // x ** c for a scalar c in {1, 2, 3, 0.5} (GELU's x ** 3 and its gradient's x ** 2).
    bool scalarB = true, sameA = true;
    for (int i = 0; i < rank; ++i) scalarB &= bShape[i] == 1, sameA &= aShape[i] == outShape[i];
    int64_t n = 1;
    for (int i = 0; i < rank; ++i) n *= outShape[i];
    const float c = b[0];
    if (scalarB && sameA && (c == 1.0f || c == 2.0f || c == 3.0f || c == 0.5f)) {
      for (int64_t i = 0; i < n; ++i) {
        const float x = a[i];
        out[i] = c == 2.0f ? x * x : c == 3.0f ? x * x * x : c == 1.0f ? x : std::sqrt(x);
      }
      return;
    }
  }
  switch (op) {
    case kAdd: return binary_impl<AddF>(a, aShape, b, bShape, out, outShape, rank);
    case kSub: return binary_impl<SubF>(a, aShape, b, bShape, out, outShape, rank);
    case kMul: return binary_impl<MulF>(a, aShape, b, bShape, out, outShape, rank);
    case kDiv: return binary_impl<DivF>(a, aShape, b, bShape, out, outShape, rank);
    case kMax: return binary_impl<MaxF>(a, aShape, b, bShape, out, outShape, rank);
    case kMin: return binary_impl<MinF>(a, aShape, b, bShape, out, outShape, rank);
    case kPow: return binary_impl<PowF>(a, aShape, b, bShape, out, outShape, rank);
    case kSqDiff: return binary_impl<SqDiffF>(a, aShape, b, bShape, out, outShape, rank);
  }
}

// ---------------------------------------------------------------------------------------------
// Element-wise unary ops

static void unary_range(int op, const float* __restrict x, float* __restrict o, int64_t n,
                        float alpha) {
  switch (op) {
    case kExp: for (int64_t i = 0; i < n; ++i) o[i] = exp_fast(x[i]); break;
    case kLog: for (int64_t i = 0; i < n; ++i) o[i] = std::log(x[i]); break;
    case kSqrt: for (int64_t i = 0; i < n; ++i) o[i] = std::sqrt(x[i]); break;
    case kRsqrt: for (int64_t i = 0; i < n; ++i) o[i] = 1.0f / std::sqrt(x[i]); break;
    case kTanh: for (int64_t i = 0; i < n; ++i) o[i] = tanh_fast(x[i]); break;
    case kSigmoid: for (int64_t i = 0; i < n; ++i) o[i] = 1.0f / (1.0f + exp_fast(-x[i])); break;
    case kRelu: for (int64_t i = 0; i < n; ++i) o[i] = x[i] < 0.0f ? 0.0f : x[i]; break;
    case kNeg: for (int64_t i = 0; i < n; ++i) o[i] = -x[i]; break;
    case kSquare: for (int64_t i = 0; i < n; ++i) o[i] = x[i] * x[i]; break;
    case kAbs: for (int64_t i = 0; i < n; ++i) o[i] = std::fabs(x[i]); break;
    case kErf: for (int64_t i = 0; i < n; ++i) o[i] = std::erf(x[i]); break;
    case kReciprocal: for (int64_t i = 0; i < n; ++i) o[i] = 1.0f / x[i]; break;
    case kLog1p: for (int64_t i = 0; i < n; ++i) o[i] = std::log1p(x[i]); break;
    case kStep:
      for (int64_t i = 0; i < n; ++i) o[i] = std::isnan(x[i]) ? NAN : (x[i] > 0.0f ? 1.0f : alpha);
      break;
    default: break;
  }
}

void unary(int op, const float* x, float* out, int64_t n, float alpha) {
  Pool& pool = Pool::get();
  if (pool.parts() < 2 || n < kParallelMin) return unary_range(op, x, out, n, alpha);
  pool.run([&](int p, int parts) {
    int64_t i0, i1;
    split_range(n, p, parts, &i0, &i1);
    if (i1 > i0) unary_range(op, x + i0, out + i0, i1 - i0, alpha);
  });
}

// ---------------------------------------------------------------------------------------------
// Reductions over the middle axis of [outer, red, inner]

void reduce(int op, const float* x, float* out, int64_t outer, int64_t red, int64_t inner) {
  if (red == 0) {
    const float v = (op == kRMax) ? -INFINITY : (op == kRMin) ? INFINITY : (op == kProd) ? 1.0f
                    : (op == kMean) ? NAN : 0.0f;
    for (int64_t i = 0; i < outer * inner; ++i) out[i] = v;
    return;
  }
  if (inner == 1) {
    for (int64_t o = 0; o < outer; ++o) {
      const float* __restrict row = x + o * red;
      if (op == kSum || op == kMean) {
        double acc = 0.0;
#pragma omp simd reduction(+ : acc)
        for (int64_t r = 0; r < red; ++r) acc += row[r];
        out[o] = static_cast<float>(op == kMean ? acc / red : acc);
      } else if (op == kRMax || op == kRMin) {
        // Two reductions the compiler vectorises (a NaN anywhere makes the result NaN, as tfjs).
        float m = row[0];
        bool nan = false;
        if (op == kRMax) {
#pragma omp simd reduction(max : m) reduction(| : nan)
          for (int64_t r = 0; r < red; ++r) {
            m = row[r] > m ? row[r] : m;
            nan |= row[r] != row[r];
          }
        } else {
#pragma omp simd reduction(min : m) reduction(| : nan)
          for (int64_t r = 0; r < red; ++r) {
            m = row[r] < m ? row[r] : m;
            nan |= row[r] != row[r];
          }
        }
        out[o] = nan ? NAN : m;
      } else {
        double p = 1.0;
        for (int64_t r = 0; r < red; ++r) p *= row[r];
        out[o] = static_cast<float>(p);
      }
    }
    return;
  }
  std::vector<double> acc;
  if (op == kSum || op == kMean || op == kProd) acc.resize(inner);
  for (int64_t o = 0; o < outer; ++o) {
    const float* __restrict base = x + o * red * inner;
    float* __restrict dst = out + o * inner;
    if (op == kSum || op == kMean) {
      double* __restrict ac = acc.data();
      for (int64_t i = 0; i < inner; ++i) ac[i] = base[i];
      for (int64_t r = 1; r < red; ++r) {
        const float* __restrict row = base + r * inner;
        for (int64_t i = 0; i < inner; ++i) ac[i] += row[i];
      }
      const double s = op == kMean ? 1.0 / red : 1.0;
      for (int64_t i = 0; i < inner; ++i) dst[i] = static_cast<float>(ac[i] * s);
    } else if (op == kProd) {
      double* __restrict ac = acc.data();
      for (int64_t i = 0; i < inner; ++i) ac[i] = base[i];
      for (int64_t r = 1; r < red; ++r)
        for (int64_t i = 0; i < inner; ++i) ac[i] *= base[r * inner + i];
      for (int64_t i = 0; i < inner; ++i) dst[i] = static_cast<float>(ac[i]);
    } else {
      std::memcpy(dst, base, sizeof(float) * inner);
      for (int64_t r = 1; r < red; ++r) {
        const float* __restrict row = base + r * inner;
        if (op == kRMax) {
          for (int64_t i = 0; i < inner; ++i)
            dst[i] = (row[i] > dst[i] || std::isnan(row[i])) ? row[i] : dst[i];
        } else {
          for (int64_t i = 0; i < inner; ++i)
            dst[i] = (row[i] < dst[i] || std::isnan(row[i])) ? row[i] : dst[i];
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Softmax over the last axis

static void softmax_rows(const float* x, float* out, int64_t r0, int64_t r1, int64_t cols) {
  for (int64_t r = r0; r < r1; ++r) {
    const float* __restrict xr = x + r * cols;
    float* __restrict orow = out + r * cols;
    float m = -INFINITY;
#pragma omp simd reduction(max : m)
    for (int64_t c = 0; c < cols; ++c) m = xr[c] > m ? xr[c] : m;
    if (m == -INFINITY) m = 0.0f;  // a fully masked row: exp(-inf) = 0 everywhere, sum 0 -> NaN
    for (int64_t c = 0; c < cols; ++c) orow[c] = exp_fast(xr[c] - m);
    float s = 0.0f;
#pragma omp simd reduction(+ : s)
    for (int64_t c = 0; c < cols; ++c) s += orow[c];
    const float inv = 1.0f / s;
    for (int64_t c = 0; c < cols; ++c) orow[c] *= inv;
  }
}

void softmax(const float* x, float* out, int64_t rows, int64_t cols) {
  Pool& pool = Pool::get();
  if (pool.parts() < 2 || rows < 2 || rows * cols < kParallelMin) return softmax_rows(x, out, 0, rows, cols);
  pool.run([&](int p, int parts) {
    int64_t r0, r1;
    split_range(rows, p, parts, &r0, &r1);
    softmax_rows(x, out, r0, r1, cols);
  });
}

// ---------------------------------------------------------------------------------------------
// Transpose

void transpose(const float* x, float* out, const int64_t* shape, const int64_t* perm, int rank) {
  // Drop size-1 input dims, then merge input dims that stay adjacent and in order in `perm`.
  int64_t keep[16];  // new index of each kept input dim, or -1
  int64_t kshape[16];
  int kr = 0;
  int64_t total = 1;
  for (int i = 0; i < rank; ++i) {
    total *= shape[i];
    if (shape[i] == 1) {
      keep[i] = -1;
    } else {
      keep[i] = kr;
      kshape[kr++] = shape[i];
    }
  }
  if (total == 0) return;
  int64_t kperm[16];
  int kp = 0;
  for (int j = 0; j < rank; ++j)
    if (keep[perm[j]] >= 0) kperm[kp++] = keep[perm[j]];
  // Merge runs in kperm of consecutive input dims.
  int64_t group[16];  // group index of each kept input dim
  int64_t gshape[16];
  int64_t gperm[16];
  int g = 0;
  for (int j = 0; j < kp; ++j) {
    if (j > 0 && kperm[j] == kperm[j - 1] + 1) {
      group[kperm[j]] = group[kperm[j - 1]];
    } else {
      group[kperm[j]] = g;
      gperm[g] = kperm[j];  // temporarily: first input dim of the group
      ++g;
    }
  }
  // Groups in input order: sort first dims.
  int64_t order[16];
  for (int i = 0; i < g; ++i) order[i] = i;
  std::sort(order, order + g, [&](int64_t p, int64_t q) { return gperm[p] < gperm[q]; });
  int64_t inPos[16];  // group id -> position in input order
  for (int i = 0; i < g; ++i) inPos[order[i]] = i;
  for (int i = 0; i < g; ++i) gshape[i] = 1;
  for (int d = 0; d < kr; ++d) gshape[inPos[group[d]]] *= kshape[d];
  // Output order of groups = group ids 0..g-1 (assigned in perm order).
  int64_t p2[16];
  for (int j = 0; j < g; ++j) p2[j] = inPos[j];
  if (g <= 1) {
    std::memcpy(out, x, sizeof(float) * total);
    return;
  }
  int64_t istr[16];
  istr[g - 1] = 1;
  for (int i = g - 2; i >= 0; --i) istr[i] = istr[i + 1] * gshape[i + 1];
  int64_t odims[16], ostr_in[16];
  for (int j = 0; j < g; ++j) odims[j] = gshape[p2[j]], ostr_in[j] = istr[p2[j]];

  if (p2[g - 1] == g - 1) {
    // The innermost input run stays innermost: copy contiguous chunks.
    const int64_t chunk = odims[g - 1];
    int64_t idx[16] = {0};
    int64_t off = 0;
    const int64_t outer = total / chunk;
    for (int64_t o = 0; o < outer; ++o) {
      std::memcpy(out + o * chunk, x + off, sizeof(float) * chunk);
      for (int d = g - 2; d >= 0; --d) {
        off += ostr_in[d];
        if (++idx[d] < odims[d]) break;
        off -= ostr_in[d] * odims[d];
        idx[d] = 0;
      }
    }
    return;
  }
  if (g == 2 || (g == 3 && p2[0] == 0)) {
    // (batched) 2-D transpose [B, R, C] -> [B, C, R], in 32x32 tiles.
    const int64_t B = g == 3 ? gshape[0] : 1;
    const int64_t R = gshape[g - 2], C = gshape[g - 1];
    constexpr int64_t T = 32;
    for (int64_t bi = 0; bi < B; ++bi) {
      const float* xs = x + bi * R * C;
      float* os = out + bi * R * C;
      for (int64_t r0 = 0; r0 < R; r0 += T)
        for (int64_t c0 = 0; c0 < C; c0 += T) {
          const int64_t r1 = std::min(r0 + T, R), c1 = std::min(c0 + T, C);
          for (int64_t c = c0; c < c1; ++c)
            for (int64_t r = r0; r < r1; ++r) os[c * R + r] = xs[r * C + c];
        }
    }
    return;
  }
  // General: walk the output in order, reading the input with strides.
  const int64_t inner = odims[g - 1], istep = ostr_in[g - 1];
  int64_t idx[16] = {0};
  int64_t off = 0;
  const int64_t outer = total / inner;
  for (int64_t o = 0; o < outer; ++o) {
    float* dst = out + o * inner;
    const float* src = x + off;
    for (int64_t i = 0; i < inner; ++i) dst[i] = src[i * istep];
    for (int d = g - 2; d >= 0; --d) {
      off += ostr_in[d];
      if (++idx[d] < odims[d]) break;
      off -= ostr_in[d] * odims[d];
      idx[d] = 0;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Slice / place a box [begin, begin + size) of a full tensor of `shape`

void slice_copy(float* full, float* box, const int64_t* shape, const int64_t* begin,
                const int64_t* size, int rank, bool toFull) {
  int64_t boxTotal = 1;
  for (int i = 0; i < rank; ++i) boxTotal *= size[i];
  if (boxTotal == 0) return;
  // Last dim that is cut; everything after it is whole and merges into one contiguous run.
  int k = -1;
  for (int i = rank - 1; i >= 0; --i)
    if (size[i] != shape[i]) { k = i; break; }
  if (k < 0) {
    if (toFull) std::memcpy(full, box, sizeof(float) * boxTotal);
    else std::memcpy(box, full, sizeof(float) * boxTotal);
    return;
  }
  int64_t tail = 1;
  for (int i = k + 1; i < rank; ++i) tail *= shape[i];
  const int64_t run = size[k] * tail;
  int64_t stride[16];
  int64_t acc = 1;
  for (int i = rank - 1; i >= 0; --i) stride[i] = acc, acc *= shape[i];
  int64_t off = 0;
  for (int i = 0; i <= k; ++i) off += begin[i] * stride[i];
  int64_t idx[16] = {0};
  const int64_t outer = boxTotal / run;
  for (int64_t o = 0; o < outer; ++o) {
    if (toFull) std::memcpy(full + off, box + o * run, sizeof(float) * run);
    else std::memcpy(box + o * run, full + off, sizeof(float) * run);
    for (int d = k - 1; d >= 0; --d) {
      off += stride[d];
      if (++idx[d] < size[d]) break;
      off -= stride[d] * size[d];
      idx[d] = 0;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Embedding lookup and its gradient

void unsorted_segment_sum(const float* data, const int32_t* seg, float* out, int64_t n,
                          int64_t numSegments, int64_t inner) {
  for (int64_t i = 0; i < n; ++i) {
    const int64_t s = seg[i];
    if (s < 0 || s >= numSegments) continue;
    float* __restrict dst = out + s * inner;
    const float* __restrict src = data + i * inner;
    for (int64_t j = 0; j < inner; ++j) dst[j] += src[j];
  }
}

bool gather(const float* x, const int32_t* idx, float* out, int64_t outer, int64_t axisDim,
            int64_t inner, int64_t nIdx) {
  for (int64_t j = 0; j < nIdx; ++j)
    if (idx[j] < 0 || idx[j] >= axisDim) return false;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < nIdx; ++j)
      std::memcpy(out + (o * nIdx + j) * inner, x + (o * axisDim + idx[j]) * inner,
                  sizeof(float) * inner);
  return true;
}

void add_n(const float* const* xs, int n, float* __restrict out, int64_t len) {
  std::memcpy(out, xs[0], sizeof(float) * len);
  for (int t = 1; t < n; ++t) {
    const float* __restrict x = xs[t];
    for (int64_t i = 0; i < len; ++i) out[i] += x[i];
  }
}

namespace {

// One AdamW update of one element: returns the new parameter, updates m and v (see kernels.h).
struct AdamWStep {
  explicit AdamWStep(const AdamWArgs& a)
      : a(a), c1(1.0f - a.beta1), c2(1.0f - a.beta2), ib1(1.0f / a.bc1), ib2(1.0f / a.bc2),
        decay(a.lr * a.weightDecay) {}
  inline float operator()(float p, float g, float& m, float& v) const {
    const float gi = g * a.scale;
    m = a.beta1 * m + c1 * gi;
    v = a.beta2 * v + c2 * (gi * gi);
    const float update = (m * ib1) / (std::sqrt(v * ib2) + a.eps);
    return p - update * a.lr - p * decay;
  }
  const AdamWArgs& a;
  const float c1, c2, ib1, ib2, decay;
};

}  // namespace

void adamw(const float* __restrict p, const float* __restrict m, const float* __restrict v,
           const float* __restrict g, float* __restrict pOut, float* __restrict mOut,
           float* __restrict vOut, int64_t n, const AdamWArgs& a) {
  const AdamWStep step(a);
  for (int64_t i = 0; i < n; ++i) {
    float mi = m[i], vi = v[i];
    pOut[i] = step(p[i], g[i], mi, vi);
    mOut[i] = mi;
    vOut[i] = vi;
  }
}

void adamw_inplace(float* __restrict p, float* __restrict m, float* __restrict v,
                   const float* __restrict g, int64_t n, const AdamWArgs& a) {
  const AdamWStep step(a);
  for (int64_t i = 0; i < n; ++i) p[i] = step(p[i], g[i], m[i], v[i]);
}

double sum_squares(const float* x, int64_t n) {
  double acc = 0.0;
#pragma omp simd reduction(+ : acc)
  for (int64_t i = 0; i < n; ++i) acc += static_cast<double>(x[i]) * x[i];
  return acc;
}

// ---------------------------------------------------------------------------------------------
// Fused LayerNorm and GELU (workers/kernels/fused.ts)

void layer_norm(const float* x, const float* g, const float* b, float* y, float* mean,
                float* rstd, int64_t rows, int64_t cols, float eps) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* __restrict xr = x + r * cols;
    float* __restrict yr = y + r * cols;
    double s = 0.0;
#pragma omp simd reduction(+ : s)
    for (int64_t c = 0; c < cols; ++c) s += xr[c];
    const float mu = static_cast<float>(s / cols);
    double v = 0.0;
#pragma omp simd reduction(+ : v)
    for (int64_t c = 0; c < cols; ++c) v += static_cast<double>(xr[c] - mu) * (xr[c] - mu);
    const float rs = 1.0f / std::sqrt(static_cast<float>(v / cols) + eps);
    for (int64_t c = 0; c < cols; ++c) yr[c] = (xr[c] - mu) * rs * g[c] + b[c];
    mean[r] = mu;
    rstd[r] = rs;
  }
}

void layer_norm_grad(const float* dy, const float* x, const float* g, const float* mean,
                     const float* rstd, float* dx, float* dg, float* db, int64_t rows,
                     int64_t cols) {
  std::vector<double> accG(cols, 0.0), accB(cols, 0.0);
  std::vector<float> dxhat(cols), xhat(cols);
  for (int64_t r = 0; r < rows; ++r) {
    const float* __restrict dyr = dy + r * cols;
    const float* __restrict xr = x + r * cols;
    float* __restrict dxr = dx + r * cols;
    const float mu = mean[r], rs = rstd[r];
    double s1 = 0.0, s2 = 0.0;
    for (int64_t c = 0; c < cols; ++c) {
      const float xh = (xr[c] - mu) * rs;
      const float d = dyr[c] * g[c];
      xhat[c] = xh;
      dxhat[c] = d;
      s1 += d;
      s2 += static_cast<double>(d) * xh;
      accG[c] += static_cast<double>(dyr[c]) * xh;
      accB[c] += dyr[c];
    }
    const float m1 = static_cast<float>(s1 / cols), m2 = static_cast<float>(s2 / cols);
    for (int64_t c = 0; c < cols; ++c) dxr[c] = rs * (dxhat[c] - m1 - xhat[c] * m2);
  }
  for (int64_t c = 0; c < cols; ++c) {
    dg[c] = static_cast<float>(accG[c]);
    db[c] = static_cast<float>(accB[c]);
  }
}

static constexpr float kGeluC = 0.7978845608028654f;  // sqrt(2 / pi)
static constexpr float kGeluA = 0.044715f;

void gelu(const float* __restrict x, float* __restrict y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float xi = x[i];
    const float t = tanh_fast(kGeluC * (xi + kGeluA * xi * xi * xi));
    y[i] = 0.5f * xi * (1.0f + t);
  }
}

void gelu_grad(const float* __restrict dy, const float* __restrict x, float* __restrict dx,
               int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float xi = x[i];
    const float x2 = xi * xi;
    const float t = tanh_fast(kGeluC * (xi + kGeluA * x2 * xi));
    const float du = kGeluC * (1.0f + 3.0f * kGeluA * x2);
    dx[i] = dy[i] * (0.5f * (1.0f + t) + 0.5f * xi * (1.0f - t * t) * du);
  }
}

}  // namespace rk
