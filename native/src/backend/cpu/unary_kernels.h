// Shared pieces of the unary CPU kernels (unary.cpp, unary_transcendental.cpp).
//
// Each elementwise function is a small struct `Op` with a static `apply`. The
// only per-(op, dtype) code is one row function (`row` / `row_half`) selected
// through a function pointer; the layout walk and the threading
// (`unary_apply`) are shared and non-templated, which keeps the build small.
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <type_traits>

#ifdef __F16C__
#include <immintrin.h>
#endif

#include "mlx/array.h"

namespace mlx::core::unary_detail {

/** Applies an op to n elements: in[i * is] -> out[i] (out is contiguous).
 * `p` carries the op's constants (round's scale, degrees' factor). */
using RowFn = void (*)(const void* in, int64_t is, void* out, int64_t n, const double* p);

/** Ops whose float32 fast path covers part of the range define
 * `static void fixup(const float* in, int64_t is, float* out, int64_t n)`,
 * run after the vectorised loop to recompute the rest. */
template <typename Op, typename = void>
struct has_fixup : std::false_type {};
template <typename Op>
struct has_fixup<Op, std::void_t<decltype(&Op::fixup)>> : std::true_type {};

template <typename Op, typename In, typename Out>
void row(const void* vin, int64_t is, void* vout, int64_t n, const double* p) {
  const In* in = static_cast<const In*>(vin);
  Out* out = static_cast<Out*>(vout);
  if (is == 1) {
    for (int64_t i = 0; i < n; ++i) out[i] = static_cast<Out>(Op::apply(in[i], p));
  } else {
    for (int64_t i = 0; i < n; ++i) out[i] = static_cast<Out>(Op::apply(in[i * is], p));
  }
  if constexpr (std::is_same_v<In, float> && std::is_same_v<Out, float> && has_fixup<Op>::value) {
    Op::fixup(in, is, out, n);
  }
}

// ---- float16/bfloat16 <-> float32 over blocks (vectorised) ----

constexpr int64_t kHalfBlock = 512;

inline void widen_bits(const uint16_t* bits, float* out, int64_t m, float16_t*) {
  int64_t j = 0;
#ifdef __F16C__
  for (; j + 8 <= m; j += 8) {
    __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bits + j));
    _mm256_storeu_ps(out + j, _mm256_cvtph_ps(h));
  }
#endif
  for (; j < m; ++j) out[j] = detail::half_bits_to_float(bits[j]);
}

inline void widen_bits(const uint16_t* bits, float* out, int64_t m, bfloat16_t*) {
  for (int64_t j = 0; j < m; ++j) {
    uint32_t u = static_cast<uint32_t>(bits[j]) << 16;
    std::memcpy(out + j, &u, 4);
  }
}

inline void narrow_bits(const float* in, uint16_t* bits, int64_t m, float16_t*) {
  int64_t j = 0;
#ifdef __F16C__
  for (; j + 8 <= m; j += 8) {
    __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(in + j), _MM_FROUND_TO_NEAREST_INT);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(bits + j), h);
  }
#endif
  for (; j < m; ++j) bits[j] = detail::float_to_half_bits(in[j]);
}

inline void narrow_bits(const float* in, uint16_t* bits, int64_t m, bfloat16_t*) {
  // Round to nearest even; nan stays a (quiet) nan. Branch-free, so it vectorises.
  for (int64_t j = 0; j < m; ++j) {
    uint32_t u;
    std::memcpy(&u, in + j, 4);
    uint32_t rounded = (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
    uint32_t quiet = (u >> 16) | 0x40u;
    bits[j] = static_cast<uint16_t>((u & 0x7fffffffu) > 0x7f800000u ? quiet : rounded);
  }
}

/** float16/bfloat16 input: widen a block to float, apply the float op (a
 * vectorised loop), narrow. Out is H for math ops, bool for predicates. */
template <typename Op, typename H, typename Out>
void row_half(const void* vin, int64_t is, void* vout, int64_t n, const double* p) {
  static_assert(sizeof(H) == 2, "16-bit storage");
  using R = decltype(Op::apply(float{}, p));
  const uint16_t* in = static_cast<const uint16_t*>(vin); // H is its 16 bits
  Out* out = static_cast<Out*>(vout);
  uint16_t bits[kHalfBlock];
  float buf[kHalfBlock];
  R res[kHalfBlock];
  for (int64_t b = 0; b < n; b += kHalfBlock) {
    int64_t m = std::min(kHalfBlock, n - b);
    const uint16_t* src = in + b * is;
    if (is != 1) {
      for (int64_t j = 0; j < m; ++j) bits[j] = src[j * is];
      src = bits;
    }
    widen_bits(src, buf, m, static_cast<H*>(nullptr));
    for (int64_t j = 0; j < m; ++j) res[j] = Op::apply(buf[j], p);
    if constexpr (std::is_same_v<R, float> && has_fixup<Op>::value) Op::fixup(buf, 1, res, m);
    if constexpr (std::is_same_v<Out, H> && std::is_same_v<R, float>) {
      narrow_bits(res, reinterpret_cast<uint16_t*>(out + b), m, static_cast<H*>(nullptr));
    } else {
      for (int64_t j = 0; j < m; ++j) out[b + j] = Out(res[j]);
    }
  }
}

/** Runs fn over the input's layout into a freshly allocated out: dense inputs
 * keep their layout, a broadcast value is computed once, other views are
 * written row-major. Large inputs are split across threads. */
void unary_apply(const array& in, array& out, RowFn fn, const double* p = nullptr);

/** Throws "[Prim] Not supported for <dtype>." */
[[noreturn]] void unsupported(const char* prim, Dtype d);

// ---------------------------------------------------------------------------
// Element-type helpers

template <typename T>
inline constexpr bool is_complex_v = std::is_same_v<T, complex64_t>;

using cfloat = std::complex<float>;

struct RealOnly {
  static constexpr bool kComplex = false;
};
struct WithComplex {
  static constexpr bool kComplex = true;
};

// ---------------------------------------------------------------------------
// Dispatch: the row function of an op for a dtype

/** Floating dtypes (and complex64 when Op::kComplex). */
template <typename Op>
RowFn float_row(Dtype d, const char* prim) {
  switch (d.val()) {
    case Dtype::Val::float16: return row_half<Op, float16_t, float16_t>;
    case Dtype::Val::bfloat16: return row_half<Op, bfloat16_t, bfloat16_t>;
    case Dtype::Val::float32: return row<Op, float, float>;
    case Dtype::Val::float64: return row<Op, double, double>;
    case Dtype::Val::complex64:
      if constexpr (Op::kComplex) return row<Op, complex64_t, complex64_t>;
      [[fallthrough]];
    default: unsupported(prim, d);
  }
}

/** Floating dtypes computed in their own arithmetic (halves round every step). */
template <typename Op>
RowFn float_row_exact(Dtype d, const char* prim) {
  switch (d.val()) {
    case Dtype::Val::float16: return row<Op, float16_t, float16_t>;
    case Dtype::Val::bfloat16: return row<Op, bfloat16_t, bfloat16_t>;
    case Dtype::Val::float32: return row<Op, float, float>;
    case Dtype::Val::float64: return row<Op, double, double>;
    case Dtype::Val::complex64: return row<Op, complex64_t, complex64_t>;
    default: unsupported(prim, d);
  }
}

/** Every dtype, output = input dtype. */
template <typename Op>
RowFn any_row(Dtype d) {
  return dispatch_all_types(d, [](auto tag) -> RowFn {
    using T = decltype(tag);
    if constexpr (is_half_v<T>) {
      return row_half<Op, T, T>;
    } else {
      return row<Op, T, T>;
    }
  });
}

/** Floating/complex input, bool output. */
template <typename Op>
RowFn predicate_row(Dtype d, const char* prim) {
  switch (d.val()) {
    case Dtype::Val::float16: return row_half<Op, float16_t, bool>;
    case Dtype::Val::bfloat16: return row_half<Op, bfloat16_t, bool>;
    case Dtype::Val::float32: return row<Op, float, bool>;
    case Dtype::Val::float64: return row<Op, double, bool>;
    case Dtype::Val::complex64: return row<Op, complex64_t, bool>;
    default: unsupported(prim, d);
  }
}

} // namespace mlx::core::unary_detail
