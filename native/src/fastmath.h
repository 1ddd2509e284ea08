// exp and tanh in a form the compiler vectorises (Cephes expf polynomial, ~1 ulp on [-87, 88]),
// shared by the element-wise kernels (kernels.cc) and the fused ones (fused.cc).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace rk {

inline float exp_fast(float x) {
  const float xc = std::min(std::max(x, -87.5f), 88.5f);
  const float n = std::nearbyint(xc * 1.44269504088896341f);
  const float r = xc - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float y = p * r * r + r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  float out = y * scale;
  out = x < -87.33f ? 0.0f : out;
  out = x > 88.72f ? INFINITY : out;
  return x != x ? x : out;
}

inline float tanh_fast(float x) {
  const float ax = std::fabs(x);
  const float t = exp_fast(-2.0f * ax);
  const float big = (1.0f - t) / (1.0f + t);
  const float x2 = x * x;
  const float small = ax * (1.0f + x2 * (-0.333333333f + x2 * (0.133333333f + x2 * -0.053968254f)));
  const float v = ax < 0.0625f ? small : big;
  return x < 0.0f ? -v : (x != x ? x : v);
}

}  // namespace rk
