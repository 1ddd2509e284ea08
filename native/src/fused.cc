// Fused kernels of the GPT (workers/kernels/fused.ts): causal self-attention, the linear layer,
// the embedding lookup and token log-probabilities, each with its gradient.
//
// Attention reads queries, keys and values straight out of the c_attn projection qkv [B, T, 3C]
// (head h of q at columns h*D, of k at C + h*D, of v at 2C + h*D) and writes y [B, T, C] with the
// heads already merged: the split, the six reshapes and transposes, the scale, the additive mask
// and the softmax of the composed version (and their gradients) become one pass each way.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "fastmath.h"
#include "kernels.h"

namespace rk {

namespace {

// Below this many multiply-adds per head (T * S * D), attention runs as plain loops.
constexpr int64_t kSmallAttention = 16384;

// Softmax of one score row over the keys query i may see: j <= limit and keyMask[j] != 0.
// Keys it may not see get probability 0; a row that may see nothing is all zeros.
inline void masked_softmax_row(float* __restrict row, int64_t S, int64_t limit,
                               const int32_t* keyMask) {
  const int64_t end = std::min<int64_t>(limit + 1, S);
  float m = -INFINITY;
  for (int64_t j = 0; j < end; ++j)
    if (!keyMask || keyMask[j] != 0) m = row[j] > m ? row[j] : m;
  if (m == -INFINITY) {
    std::memset(row, 0, sizeof(float) * S);
    return;
  }
  float s = 0.0f;
  for (int64_t j = 0; j < end; ++j) {
    const float e = (!keyMask || keyMask[j] != 0) ? exp_fast(row[j] - m) : 0.0f;
    row[j] = e;
    s += e;
  }
  const float inv = 1.0f / s;
  for (int64_t j = 0; j < end; ++j) row[j] *= inv;
  for (int64_t j = end; j < S; ++j) row[j] = 0.0f;
}

}  // namespace

void attention_forward(const float* qkv, float* cacheK, float* cacheV, const int32_t* keyMask,
                       float* y, float* probs, int64_t B, int64_t T, int64_t P, int64_t H,
                       int64_t D, int64_t capacity) {
  const int64_t C = H * D, C3 = 3 * C, S = P + T;
  const float scale = 1.0f / std::sqrt(static_cast<float>(D));
  std::vector<float> scratch(probs ? 0 : T * S);
  for (int64_t b = 0; b < B; ++b) {
    const float* base = qkv + b * T * C3;
    const int32_t* km = keyMask ? keyMask + b * S : nullptr;
    for (int64_t h = 0; h < H; ++h) {
      const float* Q = base + h * D;
      const float *K, *V;
      int64_t ldkv;
      if (cacheK) {
        // Cache mode: append the new keys/values at positions P .. P+T-1 of the cache
        // [B, H, capacity, D], in place, then attend over positions 0 .. P+T-1 there.
        float* kd = cacheK + (b * H + h) * capacity * D;
        float* vd = cacheV + (b * H + h) * capacity * D;
        for (int64_t t = 0; t < T; ++t) {
          std::memcpy(kd + (P + t) * D, base + t * C3 + C + h * D, sizeof(float) * D);
          std::memcpy(vd + (P + t) * D, base + t * C3 + 2 * C + h * D, sizeof(float) * D);
        }
        K = kd;
        V = vd;
        ldkv = D;
      } else {
        K = base + C + h * D;
        V = base + 2 * C + h * D;
        ldkv = C3;
      }
      float* Pm = probs ? probs + (b * H + h) * T * S : scratch.data();
      float* Y = y + b * T * C + h * D;
      if (T * S * D < kSmallAttention) {
        // Decoding (a token or a few): plain loops beat sgemm's per-call set-up at this size.
        for (int64_t i = 0; i < T; ++i) {
          const float* __restrict q = Q + i * C3;
          float* __restrict pr = Pm + i * S;
          for (int64_t j = 0; j < S; ++j) {
            const float* __restrict kj = K + j * ldkv;
            float dot = 0.0f;
            for (int64_t d = 0; d < D; ++d) dot += q[d] * kj[d];
            pr[j] = dot * scale;
          }
          masked_softmax_row(pr, S, P + i, km);
          float* __restrict yi = Y + i * C;
          std::memset(yi, 0, sizeof(float) * D);
          for (int64_t j = 0; j < S; ++j) {
            const float p = pr[j];
            if (p == 0.0f) continue;
            const float* __restrict vj = V + j * ldkv;
            for (int64_t d = 0; d < D; ++d) yi[d] += p * vj[d];
          }
        }
        continue;
      }
      gemm(false, true, T, S, D, scale, Q, C3, K, ldkv, 0.0f, Pm, S);
      for (int64_t i = 0; i < T; ++i) masked_softmax_row(Pm + i * S, S, P + i, km);
      gemm(false, false, T, D, S, 1.0f, Pm, S, V, ldkv, 0.0f, Y, C);
    }
  }
}

void attention_backward(const float* dy, const float* qkv, const float* probs, float* dqkv,
                        int64_t B, int64_t T, int64_t H, int64_t D) {
  const int64_t C = H * D, C3 = 3 * C, S = T;
  const float scale = 1.0f / std::sqrt(static_cast<float>(D));
  std::vector<float> dP(T * S);
  for (int64_t b = 0; b < B; ++b) {
    const float* base = qkv + b * T * C3;
    float* dbase = dqkv + b * T * C3;
    for (int64_t h = 0; h < H; ++h) {
      const float* Q = base + h * D;
      const float* K = base + C + h * D;
      const float* V = base + 2 * C + h * D;
      const float* Pm = probs + (b * H + h) * T * S;
      const float* dY = dy + b * T * C + h * D;
      // dV = P^T dY;  dP = dY V^T
      gemm(true, false, S, D, T, 1.0f, Pm, S, dY, C, 0.0f,
                  dbase + 2 * C + h * D, C3);
      gemm(false, true, T, S, D, 1.0f, dY, C, V, C3, 0.0f, dP.data(), S);
      // Softmax gradient, with the score scale folded in: dS = scale * P * (dP - rowsum(dP * P)).
      for (int64_t i = 0; i < T; ++i) {
        const float* __restrict pr = Pm + i * S;
        float* __restrict dr = dP.data() + i * S;
        float dot = 0.0f;
        for (int64_t j = 0; j < S; ++j) dot += pr[j] * dr[j];
        for (int64_t j = 0; j < S; ++j) dr[j] = scale * pr[j] * (dr[j] - dot);
      }
      // dQ = dS K;  dK = dS^T Q
      gemm(false, false, T, D, S, 1.0f, dP.data(), S, K, C3,
                  0.0f, dbase + h * D, C3);
      gemm(true, false, S, D, T, 1.0f, dP.data(), S, Q, C3,
                  0.0f, dbase + C + h * D, C3);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Linear layer and embedding lookup

void linear_forward(const float* x, const float* w, const float* b, const float* residual, float* y,
                    int64_t M, int64_t K, int64_t N) {
  // y starts as residual + b (either may be absent); the product then accumulates into it.
  if (residual) std::memcpy(y, residual, sizeof(float) * M * N);
  else if (b) for (int64_t r = 0; r < M; ++r) std::memcpy(y + r * N, b, sizeof(float) * N);
  else std::memset(y, 0, sizeof(float) * M * N);
  if (residual && b) {
    for (int64_t r = 0; r < M; ++r) {
      float* __restrict row = y + r * N;
      for (int64_t c = 0; c < N; ++c) row[c] += b[c];
    }
  }
  if (K > 0) gemm(false, false, M, N, K, 1.0f, x, K, w, N, 1.0f, y, N);
}

void linear_backward(const float* dy, const float* x, const float* w, float* dx, float* dw,
                     float* db, int64_t M, int64_t K, int64_t N) {
  if (dx) gemm(false, true, M, K, N, 1.0f, dy, N, w, N, 0.0f, dx, K);
  if (dw) gemm(true, false, K, N, M, 1.0f, x, K, dy, N, 0.0f, dw, N);
  if (db) {
    std::memset(db, 0, sizeof(float) * N);
    for (int64_t r = 0; r < M; ++r) {
      const float* __restrict row = dy + r * N;
      for (int64_t c = 0; c < N; ++c) db[c] += row[c];
    }
  }
}

bool embedding_forward(const float* table, const int32_t* ids, float* out, int64_t n, int64_t V,
                       int64_t C) {
  for (int64_t i = 0; i < n; ++i) {
    if (ids[i] < 0 || ids[i] >= V) return false;
    std::memcpy(out + i * C, table + static_cast<int64_t>(ids[i]) * C, sizeof(float) * C);
  }
  return true;
}

void embedding_backward(const float* dy, const int32_t* ids, float* dtable, int64_t n, int64_t V,
                        int64_t C) {
  std::memset(dtable, 0, sizeof(float) * V * C);
  for (int64_t i = 0; i < n; ++i) {
    float* __restrict dst = dtable + static_cast<int64_t>(ids[i]) * C;
    const float* __restrict src = dy + i * C;
    for (int64_t c = 0; c < C; ++c) dst[c] += src[c];
  }
}

// ---------------------------------------------------------------------------------------------
// Token log-probabilities: lp[n] = logits[n, t_n] - logsumexp(logits[n, :])

bool token_logprobs(const float* logits, const int32_t* targets, float* lp, float* lse,
                    int64_t N, int64_t V) {
  for (int64_t n = 0; n < N; ++n) {
    const int32_t t = targets[n];
    if (t < 0 || t >= V) return false;
    const float* __restrict row = logits + n * V;
    float m = -INFINITY;
    bool nan = false;
#pragma omp simd reduction(max : m) reduction(| : nan)
    for (int64_t v = 0; v < V; ++v) {
      m = row[v] > m ? row[v] : m;
      nan |= row[v] != row[v];
    }
    if (nan) {
      lse[n] = NAN;
      lp[n] = NAN;
      continue;
    }
    float s = 0.0f;
#pragma omp simd reduction(+ : s)
    for (int64_t v = 0; v < V; ++v) s += exp_fast(row[v] - m);
    const float l = m + std::log(s);
    lse[n] = l;
    lp[n] = row[t] - l;
  }
  return true;
}

void token_logprobs_grad(const float* dlp, const float* logits, const int32_t* targets,
                         const float* lse, float* dlogits, int64_t N, int64_t V) {
  for (int64_t n = 0; n < N; ++n) {
    const float* __restrict row = logits + n * V;
    float* __restrict out = dlogits + n * V;
    const float g = dlp[n], l = lse[n];
    for (int64_t v = 0; v < V; ++v) out[v] = -g * exp_fast(row[v] - l);
    out[targets[n]] += g;
  }
}

}  // namespace rk
