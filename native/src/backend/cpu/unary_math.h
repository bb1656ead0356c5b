// Branch-free float32 math for the unary kernels. Every function here is a
// straight line of arithmetic and selects (no calls, no data-dependent
// branches), so a loop over an array of floats vectorises (-O3 -march=native).
//
// Accuracy, measured against double-precision references over every float32
// input (test/fixtures/unary/fastmath_ulp.cpp): exp 1.09 ulp, log 0.94 ulp,
// log2 1.74 ulp, tanh 1.55 ulp, sigmoid 2.40 ulp, sin/cos 0.50 ulp (|x| < 1e6;
// the kernels call the C library beyond). Special values follow
// IEEE/C99: exp(+inf) = inf, exp(-inf) = 0, overflow gives inf, underflow gives
// (correctly scaled) subnormals and then 0; log(0) = -inf, log(x<0) = nan,
// log(inf) = inf; nan in gives nan out.
//
// The polynomial coefficients were fitted for this file (weighted least
// squares iterated towards minimax on Chebyshev nodes, mpmath references).
#pragma once

#include <cstdint>
#include <cstring>

namespace mlx::core::fastmath {

inline uint32_t as_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline float from_bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
/** c ? a : b as a bit blend: never a branch, whatever GCC's passes do
 * (they may sink a trapping operation into one side of a ?: and then refuse
 * to if-convert it under the default -ftrapping-math). */
inline uint32_t blend(bool c, uint32_t a, uint32_t b) {
  uint32_t m = 0u - static_cast<uint32_t>(c);
  return (a & m) | (b & ~m);
}
inline float blend(bool c, float a, float b) {
  return from_bits(blend(c, as_bits(a), as_bits(b)));
}
inline double blend(bool c, double a, double b) {
  uint64_t m = uint64_t{0} - static_cast<uint64_t>(c), ua, ub;
  std::memcpy(&ua, &a, 8);
  std::memcpy(&ub, &b, 8);
  uint64_t r = (ua & m) | (ub & ~m);
  double d;
  std::memcpy(&d, &r, 8);
  return d;
}

/** e^x. */
inline float exp(float x) {
  // Clamp so that the exponent arithmetic stays in range; the clamped values
  // still overflow to inf / underflow to 0 through the final products. NaN
  // passes the clamps unchanged (comparisons with NaN are false).
  x = x > 88.8f ? 88.8f : x;
  x = x < -104.0f ? -104.0f : x;
  // n = round(x / ln2) with the 1.5 * 2^23 shifter: the low bits of `t` hold n.
  const float shifter = 12582912.0f;
  float t = x * 1.44269504088896341f + shifter;
  float n = t - shifter;
  int32_t ni = static_cast<int32_t>(as_bits(t)) - static_cast<int32_t>(as_bits(shifter));
  // r = x - n ln2, ln2 split in two so that n * ln2_hi is exact (Cody-Waite).
  float r = x - n * 0.693145751953125f;
  r = r - n * 1.42860682030941723e-06f;
  // e^r = 1 + r + r^2 P(r) on |r| <= ln2/2.
  float p = 0.0013941113138571382f;
  p = p * r + 0.008363175205886364f;
  p = p * r + 0.04166637361049652f;
  p = p * r + 0.16666576266288757f;
  p = p * r + 0.5f;
  p = (p * r) * r + r + 1.0f;
  // Scale by 2^n in two steps (n in [-150, 129]) so that each factor is a
  // normal float; the product rounds once, correctly into the subnormals.
  int32_t n1 = ni >> 1;
  int32_t n2 = ni - n1;
  float s1 = from_bits(static_cast<uint32_t>(n1 + 127) << 23);
  float s2 = from_bits(static_cast<uint32_t>(n2 + 127) << 23);
  return (p * s1) * s2;
}

/** log(1 + f) for f in [sqrt(1/2) - 1, sqrt(2) - 1]. */
inline float log1p_reduced(float f) {
  // s = f / (2 + f); log(1 + f) = 2 atanh(s) = f - s (f - z R(z)), z = s^2.
  float s = f / (2.0f + f);
  float z = s * s;
  float R = 0.23332267999649048f;
  R = R * z + 0.2855074107646942f;
  R = R * z + 0.4000012278556824f;
  R = R * z + 0.6666666865348816f;
  return f - s * (f - z * R);
}

// The log functions classify x by its bits (integer compares): GCC will not
// turn several float compares of one value into selects under the default
// -ftrapping-math, and a branch would stop the loop from vectorising.

/** Splits |x| (finite, maybe subnormal) into 2^e * (1 + f), 1 + f in [sqrt(1/2), sqrt(2)). */
inline void split_log(float x, float& e, float& f) {
  uint32_t ax = as_bits(x) & 0x7fffffffu;
  // Subnormals: scale up by 2^23 first (computed for every x, then selected).
  bool sub = ax < 0x00800000u;
  uint32_t scaled = as_bits(from_bits(ax) * 8388608.0f);
  int32_t bits = static_cast<int32_t>(blend(sub, scaled, ax));
  // Shift the mantissa range so that m lands in [sqrt(1/2), sqrt(2)).
  int32_t adj = bits - 0x3f3504f3; // bits of sqrt(1/2)
  int32_t ei = adj >> 23;
  float m = from_bits(static_cast<uint32_t>(bits - (ei << 23)));
  int32_t eo = static_cast<int32_t>(blend(sub, 23u, 0u));
  e = static_cast<float>(ei - eo);
  f = m - 1.0f;
}

/** Special values shared by log and log2; `v` is the result for finite x > 0. */
inline float log_special(float x, float v) {
  const float inf = from_bits(0x7f800000u);
  const float nan = from_bits(0x7fc00000u);
  uint32_t ux = as_bits(x);
  uint32_t ax = ux & 0x7fffffffu;
  v = blend(ax == 0x7f800000u, inf, v);              // +inf (-inf is caught below)
  v = blend(ax == 0u, -inf, v);                      // +-0
  v = blend((ux >> 31) != 0u && ax != 0u, nan, v);   // x < 0
  return blend(ax > 0x7f800000u, x, v);              // nan in, nan out
}

/** Natural logarithm. */
inline float log(float x) {
  float e, f;
  split_log(x, e, f);
  float lm = log1p_reduced(f);
  // e ln2 with ln2 split so that e * ln2_hi is exact.
  float v = e * 0.693145751953125f + (lm + e * 1.42860682030941723e-06f);
  return log_special(x, v);
}

/** Base-2 logarithm (exact at powers of two). */
inline float log2(float x) {
  float e, f;
  split_log(x, e, f);
  float v = e + log1p_reduced(f) * 1.44269504088896341f;
  return log_special(x, v);
}

/** Hyperbolic tangent. */
inline float tanh(float x) {
  uint32_t sign = as_bits(x) & 0x80000000u;
  float ax = from_bits(as_bits(x) & 0x7fffffffu);
  // Small |x|: x + x^3 T(x^2).
  float z = ax * ax;
  float T = -0.006113192532211542f;
  T = T * z + 0.021010082215070724f;
  T = T * z + -0.053854070603847504f;
  T = T * z + 0.13332794606685638f;
  T = T * z + -0.333333283662796f;
  float small = ax + ax * z * T;
  // Otherwise (1 - e^-2|x|) / (1 + e^-2|x|).
  float t = exp(-2.0f * ax);
  float big = (1.0f - t) / (1.0f + t);
  float r = blend(ax < 0.625f, small, big);
  // tanh is odd: the sign of x (this also keeps tanh(-0) = -0).
  return from_bits(as_bits(r) | sign);
}

/** 1 / (1 + e^-x), accurate on both tails. */
inline float sigmoid(float x) {
  float ax = x < 0.0f ? -x : x;
  float e = exp(-ax);
  // 1 / (1 + e) for x >= 0, e / (1 + e) for x < 0: one rounding each.
  return (x < 0.0f ? e : 1.0f) / (1.0f + e);
}

/** |x| up to which sin_reduced/cos_reduced are accurate; larger inputs
 * (and inf/nan) need the library functions. */
constexpr float kTrigLimit = 1.0e6f;

/** sin(x) (q = 0) or cos(x) (q = 1) for |x| <= kTrigLimit. The reduction
 * x - n pi/2 runs in double with pi/2 split so that n * C1 is exact for
 * n < 2^20; the polynomials (Taylor series, truncation < 1e-9 relative on
 * |r| <= pi/4) run in double too, so the float result is within ~0.5 ulp. */
inline float sincos_reduced(float x, int q) {
  const double two_over_pi = 0.63661977236758134308;
  const double C1 = 1.5707963267341256142; // pi/2 to 33 bits
  const double C2 = 6.0771005065061922519e-11; // pi/2 - C1
  // Out-of-range inputs are computed as 0 (the caller replaces them).
  double xw = static_cast<double>(x);
  bool in_range = (as_bits(x) & 0x7fffffffu) < as_bits(kTrigLimit);
  double xd = blend(in_range, xw, 0.0);
  // n = round(x 2/pi) with the 1.5 * 2^52 shifter; the low bits of t hold n.
  const double shifter = 6755399441055744.0;
  double t = xd * two_over_pi + shifter;
  double n = t - shifter;
  uint64_t tb;
  std::memcpy(&tb, &t, 8);
  double r = (xd - n * C1) - n * C2;
  double z = r * r;
  // sin r = r (1 - z/3! + z^2/5! - ...), cos r = 1 - z/2! + z^2/4! - ...
  double sp = -1.0 / 39916800.0;
  sp = sp * z + 1.0 / 362880.0;
  sp = sp * z - 1.0 / 5040.0;
  sp = sp * z + 1.0 / 120.0;
  sp = sp * z - 1.0 / 6.0;
  double sn = r + r * z * sp;
  double cp = 1.0 / 479001600.0;
  cp = cp * z - 1.0 / 3628800.0;
  cp = cp * z + 1.0 / 40320.0;
  cp = cp * z - 1.0 / 720.0;
  cp = cp * z + 1.0 / 24.0;
  cp = cp * z - 0.5;
  double cs = 1.0 + z * cp;
  // Quadrant: sin(r + k pi/2) cycles sin, cos, -sin, -cos.
  uint64_t k = tb + static_cast<uint64_t>(q);
  double v = blend((k & 1u) != 0u, cs, sn);
  v = blend((k & 2u) != 0u, -v, v);
  return static_cast<float>(v);
}

inline float sin_reduced(float x) { return sincos_reduced(x, 0); }
inline float cos_reduced(float x) { return sincos_reduced(x, 1); }

} // namespace mlx::core::fastmath
