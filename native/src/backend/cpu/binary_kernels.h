// Pieces shared by the binary family's CPU kernels: the row-function type,
// the ops, the element helpers, and the layout driver (binary.cpp).
//
// A row function computes `n` consecutive output elements. Input k starts at
// in[k] and advances st[k] elements per output element (0 broadcasts one
// value); outputs are contiguous. The per-dtype code is only these rows; the
// layout walk, threading and buffer donation are shared and not templated.
#pragma once

#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "mlx/array.h"

namespace mlx::core::binary_cpu {

using RowFn = void (*)(const char* const* in, const int64_t* st, char* const* out, int64_t n,
                       const void* params);

enum class Op {
  Add, Subtract, Multiply, Divide, FloorDivide, Remainder, DivMod, Power, Maximum, Minimum,
  ArcTan2, LogAddExp,
  Equal, NaNEqual, NotEqual, Less, LessEqual, Greater, GreaterEqual, LogicalAnd, LogicalOr,
  BitwiseAnd, BitwiseOr, BitwiseXor, LeftShift, RightShift,
};

/** Parameters of the isclose row. */
struct IsCloseParams {
  double rtol;
  double atol;
  bool equal_nan;
};

/** The row of `op` for inputs of dtype `t`; nullptr when the dtype is not supported.
 * Arithmetic ops (Add .. LogAddExp) live in binary_arith.cpp, the others in binary_logic.cpp. */
RowFn arith_row(Op op, Dtype t);
RowFn logic_row(Op op, Dtype t);
inline RowFn row_fn(Op op, Dtype t) { return op <= Op::LogAddExp ? arith_row(op, t) : logic_row(op, t); }

/** where(cond, x, y) for elements of `itemsize` bytes (the select moves bytes). */
RowFn select_row(size_t itemsize);
/** isclose of two inputs of dtype t into bool (params: IsCloseParams). */
RowFn isclose_row(Dtype t);

/** How much work an element is: cheap ops need larger chunks to pay for threads. */
enum class Cost { Cheap, Heavy };

/**
 * Evaluates an elementwise row function over inputs broadcast to outputs[0]'s
 * shape. Allocates each output (or takes over a donatable input's buffer when
 * the sizes and layout allow), picks the fast layout (all dense alike, with
 * broadcast scalars) or walks collapsed strides, and splits big work across
 * threads. `name` is the primitive's name for the unsupported-dtype error.
 */
void elementwise(const std::vector<array>& inputs, std::vector<array>& outputs, RowFn fn,
                 const void* params, const char* name, Cost cost = Cost::Cheap);

// ---- element helpers used by the row files ----

template <typename T>
inline constexpr bool is_half_v2 = std::is_same_v<T, float16_t> || std::is_same_v<T, bfloat16_t>;
template <typename T>
inline constexpr bool is_float_v = std::is_floating_point_v<T> || is_half_v2<T>;
template <typename T>
inline constexpr bool is_complex_v = std::is_same_v<T, complex64_t>;
/** The type elements compute in: halves in float, others as themselves. */
template <typename T>
using calc_t = std::conditional_t<is_half_v2<T>, float, T>;

template <typename T>
inline bool is_nan(T v) {
  if constexpr (is_float_v<T>) {
    return std::isnan(static_cast<calc_t<T>>(v));
  } else if constexpr (is_complex_v<T>) {
    return std::isnan(v.real()) || std::isnan(v.imag());
  } else {
    return false;
  }
}

/** Ordering used by comparisons and max/min: complex compares (real, imag). */
template <typename T>
inline bool less_than(T a, T b) {
  if constexpr (is_complex_v<T>) {
    return a.real() < b.real() || (a.real() == b.real() && a.imag() < b.imag());
  } else {
    return a < b;
  }
}

/** The generic two-input row: fast loops for contiguous and scalar-broadcast
 * operands (vectorised by the compiler), a strided loop otherwise. */
template <typename T, typename U, typename F>
inline void row2(const char* const* in, const int64_t* st, char* const* out, int64_t n, F op) {
  const T* a = reinterpret_cast<const T*>(in[0]);
  const T* b = reinterpret_cast<const T*>(in[1]);
  U* o = reinterpret_cast<U*>(out[0]);
  const int64_t as = st[0], bs = st[1];
  if (as == 1 && bs == 1) {
    for (int64_t j = 0; j < n; ++j) o[j] = op(a[j], b[j]);
  } else if (as == 0 && bs == 1) {
    const T x = a[0];
    for (int64_t j = 0; j < n; ++j) o[j] = op(x, b[j]);
  } else if (as == 1 && bs == 0) {
    const T y = b[0];
    for (int64_t j = 0; j < n; ++j) o[j] = op(a[j], y);
  } else {
    for (int64_t j = 0; j < n; ++j) o[j] = op(a[j * as], b[j * bs]);
  }
}

} // namespace mlx::core::binary_cpu
