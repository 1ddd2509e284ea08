// Our own SGEMM, for machines without OpenBLAS (and for comparing against it: RLHF_GEMM=own).
// The BLIS / ggml layout: C is walked in NC-wide column blocks; for each KC-deep slice of the
// product a KC x NC panel of op(B) is packed into NR-wide strips, then MC x KC blocks of op(A) into
// MR-tall strips, and a register-blocked micro-kernel multiplies one MR strip by one NR strip,
// keeping the MR x NR tile of C in registers for the whole KC loop. The micro-kernel is chosen at
// run time: AVX-512 (12x32) or AVX2/FMA (6x16) where the CPU has them (compiled with function
// target attributes, so the binary still runs on any x86-64), a portable 6x8 vector loop otherwise.
#include "gemm.h"
#include "pool.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define RK_X86 1
#endif

namespace rk {
namespace {

constexpr int kMR = 6;       // rows of a micro-tile (AVX2 and portable kernels)
constexpr int kMaxNR = 32;   // widest micro-tile
constexpr int64_t kKC = 256; // depth of a packed slice
constexpr int64_t kMC = 168; // rows of a packed A block (a multiple of every MR: ~168 KiB, L2)
constexpr int64_t kNC = 2048;

// Multiplies a packed MR x kc strip of A by a packed kc x NR strip of B and adds alpha times the
// product to the mr x nr corner of C (mr <= MR, nr <= NR: edge tiles).
using Kernel = void (*)(int64_t kc, const float* a, const float* b, float* c, int64_t ldc,
                        float alpha, int mr, int nr);

template <int NR>
inline void add_tile(const float* t, float* c, int64_t ldc, float alpha, int mr, int nr) {
  for (int i = 0; i < mr; ++i)
    for (int j = 0; j < nr; ++j) c[i * ldc + j] += alpha * t[i * NR + j];
}

// Portable: GCC's vector extension (SSE2 on any x86-64, NEON on arm64), a 6x8 tile in 12 registers.
typedef float v4 __attribute__((vector_size(16)));

void kernel_generic(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float alpha,
                    int mr, int nr) {
  v4 acc[kMR][2] = {};
  for (int64_t p = 0; p < kc; ++p) {
    v4 b0, b1;
    std::memcpy(&b0, b, sizeof b0);
    std::memcpy(&b1, b + 4, sizeof b1);
    for (int i = 0; i < kMR; ++i) {
      acc[i][0] += a[i] * b0;
      acc[i][1] += a[i] * b1;
    }
    a += kMR;
    b += 8;
  }
  float t[kMR * 8];
  for (int i = 0; i < kMR; ++i) {
    std::memcpy(t + i * 8, &acc[i][0], sizeof(v4));
    std::memcpy(t + i * 8 + 4, &acc[i][1], sizeof(v4));
  }
  add_tile<8>(t, c, ldc, alpha, mr, nr);
}

#ifdef RK_X86
__attribute__((target("avx2,fma"))) void kernel_avx2(int64_t kc, const float* a, const float* b,
                                                     float* c, int64_t ldc, float alpha, int mr,
                                                     int nr) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
         c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (int64_t p = 0; p < kc; ++p) {
    const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
    __m256 x = _mm256_broadcast_ss(a);
    c00 = _mm256_fmadd_ps(x, b0, c00); c01 = _mm256_fmadd_ps(x, b1, c01);
    x = _mm256_broadcast_ss(a + 1);
    c10 = _mm256_fmadd_ps(x, b0, c10); c11 = _mm256_fmadd_ps(x, b1, c11);
    x = _mm256_broadcast_ss(a + 2);
    c20 = _mm256_fmadd_ps(x, b0, c20); c21 = _mm256_fmadd_ps(x, b1, c21);
    x = _mm256_broadcast_ss(a + 3);
    c30 = _mm256_fmadd_ps(x, b0, c30); c31 = _mm256_fmadd_ps(x, b1, c31);
    x = _mm256_broadcast_ss(a + 4);
    c40 = _mm256_fmadd_ps(x, b0, c40); c41 = _mm256_fmadd_ps(x, b1, c41);
    x = _mm256_broadcast_ss(a + 5);
    c50 = _mm256_fmadd_ps(x, b0, c50); c51 = _mm256_fmadd_ps(x, b1, c51);
    a += kMR;
    b += 16;
  }
  const __m256 al = _mm256_set1_ps(alpha);
  __m256 r[12] = {c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51};
  if (mr == kMR && nr == 16) {
    for (int i = 0; i < kMR; ++i) {
      float* ci = c + i * ldc;
      _mm256_storeu_ps(ci, _mm256_fmadd_ps(al, r[2 * i], _mm256_loadu_ps(ci)));
      _mm256_storeu_ps(ci + 8, _mm256_fmadd_ps(al, r[2 * i + 1], _mm256_loadu_ps(ci + 8)));
    }
    return;
  }
  alignas(32) float t[kMR * 16];
  for (int i = 0; i < 12; ++i) _mm256_store_ps(t + 8 * i, r[i]);
  add_tile<16>(t, c, ldc, alpha, mr, nr);
}

// AVX-512 has 32 vector registers: an MR x 32 tile keeps 2 MR accumulators (MR = 12: 24).
template <int MR>
__attribute__((target("avx512f"))) void kernel_avx512(int64_t kc, const float* a, const float* b,
                                                      float* c, int64_t ldc, float alpha, int mr,
                                                      int nr) {
  __m512 acc[MR][2];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
  for (int64_t p = 0; p < kc; ++p) {
    const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      const __m512 x = _mm512_set1_ps(a[i]);
      acc[i][0] = _mm512_fmadd_ps(x, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(x, b1, acc[i][1]);
    }
    a += MR;
    b += 32;
  }
  const __m512 al = _mm512_set1_ps(alpha);
  if (mr == MR && nr == 32) {
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      float* ci = c + i * ldc;
      _mm512_storeu_ps(ci, _mm512_fmadd_ps(al, acc[i][0], _mm512_loadu_ps(ci)));
      _mm512_storeu_ps(ci + 16, _mm512_fmadd_ps(al, acc[i][1], _mm512_loadu_ps(ci + 16)));
    }
    return;
  }
  alignas(64) float t[MR * 32];
  for (int i = 0; i < MR; ++i) {
    _mm512_store_ps(t + 32 * i, acc[i][0]);
    _mm512_store_ps(t + 32 * i + 16, acc[i][1]);
  }
  add_tile<32>(t, c, ldc, alpha, mr, nr);
}
#endif

struct Choice {
  Kernel kernel;
  int mr, nr;
  const char* name;
};

// The best kernel this CPU runs, or `force` ("generic", "avx2", "avx512") when it runs that one.
Choice choose(const char* force) {
  auto want = [&](const char* k) { return !force || std::strcmp(force, k) == 0; };
#ifdef RK_X86
  __builtin_cpu_init();
  if (want("avx512") && __builtin_cpu_supports("avx512f")) return {kernel_avx512<12>, 12, 32, "avx512 12x32"};
  if (want("avx2") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return {kernel_avx2, kMR, 16, "avx2-fma 6x16"};
#endif
  (void)want;
  return {kernel_generic, kMR, 8, "generic 6x8"};
}

Choice g_choice = choose(std::getenv("RLHF_GEMM_KERNEL"));

const Choice& choice() { return g_choice; }

// op(A)[i0 .. i0+mc, p0 .. p0+kc] into MR-tall strips, each kc x MR (zero rows past mc). A stored
// transposed gives each strip's column as MR contiguous floats; untransposed, each row is read
// contiguously and written with stride MR.
void pack_a(bool ta, const float* A, int64_t lda, int64_t i0, int64_t mc, int64_t p0, int64_t kc,
            int MR, float* out) {
  for (int64_t ir = 0; ir < mc; ir += MR) {
    const int mr = static_cast<int>(std::min<int64_t>(MR, mc - ir));
    if (ta) {
      const float* src = A + p0 * lda + i0 + ir;
      for (int64_t p = 0; p < kc; ++p) {
        float* o = out + p * MR;
        std::memcpy(o, src + p * lda, sizeof(float) * mr);
        for (int i = mr; i < MR; ++i) o[i] = 0.0f;
      }
    } else {
      for (int i = 0; i < mr; ++i) {
        const float* row = A + (i0 + ir + i) * lda + p0;
        float* o = out + i;
        for (int64_t p = 0; p < kc; ++p) o[p * MR] = row[p];
      }
      for (int i = mr; i < MR; ++i)
        for (int64_t p = 0; p < kc; ++p) out[p * MR + i] = 0.0f;
    }
    out += kc * MR;
  }
}

// op(B)[p0 .. p0+kc, j0 .. j0+nc] into NR-wide strips, each kc x NR (zero columns past nc).
void pack_b(bool tb, const float* B, int64_t ldb, int64_t p0, int64_t kc, int64_t j0, int64_t nc,
            int NR, float* out) {
  for (int64_t jr = 0; jr < nc; jr += NR) {
    const int nr = static_cast<int>(std::min<int64_t>(NR, nc - jr));
    for (int64_t p = 0; p < kc; ++p) {
      float* o = out + p * NR;
      if (!tb) {
        std::memcpy(o, B + (p0 + p) * ldb + j0 + jr, sizeof(float) * nr);
      } else {
        const float* src = B + (j0 + jr) * ldb + p0 + p;
        for (int j = 0; j < nr; ++j) o[j] = src[j * ldb];
      }
      for (int j = nr; j < NR; ++j) o[j] = 0.0f;
    }
    out += kc * NR;
  }
}

struct Buffers {
  float* a = nullptr;
  float* b = nullptr;
  Buffers() {
    a = static_cast<float*>(std::aligned_alloc(64, sizeof(float) * kMC * kKC));
    b = static_cast<float*>(std::aligned_alloc(64, sizeof(float) * kKC * (kNC + kMaxNR)));
  }
  ~Buffers() {
    std::free(a);
    std::free(b);
  }
};

// C[0..m, 0..n] += alpha op(A) op(B) on this thread (A, B, C already offset to the block).
void gemm_block(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* A,
                int64_t lda, const float* B, int64_t ldb, float* C, int64_t ldc) {
  thread_local Buffers buf;
  const Choice& ch = choice();
  const int NR = ch.nr, MR = ch.mr;
  for (int64_t jc = 0; jc < n; jc += kNC) {
    const int64_t nc = std::min(kNC, n - jc);
    for (int64_t pc = 0; pc < k; pc += kKC) {
      const int64_t kc = std::min(kKC, k - pc);
      pack_b(tb, B, ldb, pc, kc, jc, nc, NR, buf.b);
      for (int64_t ic = 0; ic < m; ic += kMC) {
        const int64_t mc = std::min(kMC, m - ic);
        pack_a(ta, A, lda, ic, mc, pc, kc, MR, buf.a);
        for (int64_t jr = 0; jr < nc; jr += NR) {
          const int nr = static_cast<int>(std::min<int64_t>(NR, nc - jr));
          const float* bp = buf.b + (jr / NR) * kc * NR;
          for (int64_t ir = 0; ir < mc; ir += MR) {
            const int mr = static_cast<int>(std::min<int64_t>(MR, mc - ir));
            ch.kernel(kc, buf.a + (ir / MR) * kc * MR, bp, C + (ic + ir) * ldc + jc + jr, ldc,
                      alpha, mr, nr);
          }
        }
      }
    }
  }
}

}  // namespace

const char* own_sgemm_kernel() { return choice().name; }

bool own_sgemm_vectorised() { return choice().kernel != kernel_generic; }

bool own_sgemm_set_kernel(const char* name) {
  const Choice c = choose(name);
  if (std::strncmp(c.name, name, std::strlen(name)) != 0) return false;
  g_choice = c;
  return true;
}

void own_sgemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* A,
               int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc,
               int threads) {
  if (m <= 0 || n <= 0) return;
  if (beta != 1.0f) {
    for (int64_t i = 0; i < m; ++i) {
      float* ci = C + i * ldc;
      if (beta == 0.0f) std::memset(ci, 0, sizeof(float) * n);  // C may hold NaN: BLAS ignores it
      else for (int64_t j = 0; j < n; ++j) ci[j] *= beta;
    }
  }
  if (k <= 0 || alpha == 0.0f) return;
  const int NR = choice().nr, MR = choice().mr;
  // Split the larger side across the pool, on micro-tile boundaries; each part packs its own panels.
  const bool byCols = n >= m;
  const int64_t side = byCols ? n : m;
  const int64_t unit = byCols ? NR : MR;
  if (threads < 2 || side < 2 * unit || Pool::inside()) {
    gemm_block(ta, tb, m, n, k, alpha, A, lda, B, ldb, C, ldc);
    return;
  }
  Pool::get().run_parts(threads, [&](int p, int parts) {
    const int64_t units = (side + unit - 1) / unit;
    int64_t u0, u1;
    split_range(units, p, parts, &u0, &u1);
    const int64_t lo = std::min(side, u0 * unit), hi = std::min(side, u1 * unit);
    if (hi <= lo) return;
    if (byCols) {
      const float* Bp = tb ? B + lo * ldb : B + lo;
      gemm_block(ta, tb, m, hi - lo, k, alpha, A, lda, Bp, ldb, C + lo, ldc);
    } else {
      const float* Ap = ta ? A + lo : A + lo * lda;
      gemm_block(ta, tb, hi - lo, n, k, alpha, Ap, lda, B, ldb, C + lo * ldc, ldc);
    }
  });
}

}  // namespace rk
