// Our own cache-blocked SGEMM (gemm.cc): the product behind rk::gemm when the addon is built
// without OpenBLAS, or when RLHF_GEMM=own chooses it.
#pragma once
#include <cstdint>

namespace rk {

// Row-major C = alpha op(A) op(B) + beta C (the cblas_sgemm contract; beta == 0 ignores what C
// held), on up to `threads` threads of the addon's pool (1 inside a pool task).
void own_sgemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k, float alpha,
               const float* A, int64_t lda, const float* B, int64_t ldb, float beta, float* C,
               int64_t ldc, int threads);

// The micro-kernel this CPU got ("avx512 12x32", "avx2-fma 6x16" or "generic 6x8").
// RLHF_GEMM_KERNEL (generic | avx2 | avx512) at load, or this call, forces one the CPU runs (tests
// compare them); false when it cannot.
const char* own_sgemm_kernel();
bool own_sgemm_set_kernel(const char* name);
// True when the kernel in use is an AVX2 or AVX-512 one.
bool own_sgemm_vectorised();

}  // namespace rk
