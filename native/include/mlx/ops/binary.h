// Operations of the binary family: elementwise ops of two (or three) arrays
// with numpy-style broadcasting, comparisons, selection and closeness tests.
//
// Dtypes follow MLX: inputs are promoted with promote_types; true division,
// arctan2 and logaddexp give at least float32; comparisons and logical ops
// give bool; bitwise ops take integers and bool only.
#pragma once

#include <optional>
#include <type_traits>
#include <vector>

#include "mlx/array.h"
#include "mlx/utils.h"

namespace mlx::core {

/** a + b. */
array add(const array& a, const array& b, StreamOrDevice s = {});
/** a - b. */
array subtract(const array& a, const array& b, StreamOrDevice s = {});
/** a * b. */
array multiply(const array& a, const array& b, StreamOrDevice s = {});
/** True division a / b; integer inputs give float32. */
array divide(const array& a, const array& b, StreamOrDevice s = {});
/** Floor division: integers round toward -inf (Python's `//`, x // 0 gives 0);
 * floating point gives floor(a / b). */
array floor_divide(const array& a, const array& b, StreamOrDevice s = {});
/** Remainder with the sign of the divisor (Python's `%`, x % 0 gives 0 for integers). */
array remainder(const array& a, const array& b, StreamOrDevice s = {});
/** The quotient and remainder of floor division, computed together. */
std::vector<array> divmod(const array& a, const array& b, StreamOrDevice s = {});
/** a raised to b. Integer powers stay integer (a negative exponent gives 0, as MLX). */
array power(const array& a, const array& b, StreamOrDevice s = {});
/** Elementwise maximum (NaN propagates). */
array maximum(const array& a, const array& b, StreamOrDevice s = {});
/** Elementwise minimum (NaN propagates). */
array minimum(const array& a, const array& b, StreamOrDevice s = {});
/** The angle of the point (b, a): atan2(a, b). */
array arctan2(const array& a, const array& b, StreamOrDevice s = {});
/** log(exp(a) + exp(b)), computed stably. */
array logaddexp(const array& a, const array& b, StreamOrDevice s = {});

array equal(const array& a, const array& b, StreamOrDevice s = {});
array not_equal(const array& a, const array& b, StreamOrDevice s = {});
array less(const array& a, const array& b, StreamOrDevice s = {});
array less_equal(const array& a, const array& b, StreamOrDevice s = {});
array greater(const array& a, const array& b, StreamOrDevice s = {});
array greater_equal(const array& a, const array& b, StreamOrDevice s = {});

/** Logical and / or of the inputs' truth values (bool result). */
array logical_and(const array& a, const array& b, StreamOrDevice s = {});
array logical_or(const array& a, const array& b, StreamOrDevice s = {});

/** Bitwise ops on integers and bool (floating point inputs are an error). */
array bitwise_and(const array& a, const array& b, StreamOrDevice s = {});
array bitwise_or(const array& a, const array& b, StreamOrDevice s = {});
array bitwise_xor(const array& a, const array& b, StreamOrDevice s = {});
/** Shifts; bool inputs compute in uint8. Shifting by the bit width or more
 * (or a negative count) gives 0 (-1 for a right shift of a negative value). */
array left_shift(const array& a, const array& b, StreamOrDevice s = {});
array right_shift(const array& a, const array& b, StreamOrDevice s = {});

/** Picks x where condition is true, else y; all three broadcast. The result
 * dtype is promote_types(x, y). */
array where(const array& condition, const array& x, const array& y, StreamOrDevice s = {});

/** Clips a to [a_min, a_max]: maximum(a, a_min) then minimum(., a_max). Either
 * bound may be absent, not both. */
array clip(const array& a, const std::optional<array>& a_min,
           const std::optional<array>& a_max, StreamOrDevice s = {});

/** |a - b| <= atol + rtol * |b| elementwise; infinities are close only to the
 * same infinity; NaNs are close to each other only with equal_nan. */
array isclose(const array& a, const array& b, double rtol = 1e-5, double atol = 1e-8,
              bool equal_nan = false, StreamOrDevice s = {});
/** All elements isclose (a 0-d bool array). */
array allclose(const array& a, const array& b, double rtol = 1e-5, double atol = 1e-8,
               bool equal_nan = false, StreamOrDevice s = {});
/** True (0-d bool) when a and b have the same shape and equal values; the
 * dtypes may differ. Different shapes give false, not an error. */
array array_equal(const array& a, const array& b, bool equal_nan, StreamOrDevice s = {});
inline array array_equal(const array& a, const array& b, StreamOrDevice s = {}) {
  return array_equal(a, b, false, s);
}

// ---- operators (as MLX's ops.h); a C++ scalar becomes a 0-d array ----

namespace detail {
template <typename T>
inline constexpr bool is_scalar_operand_v =
    std::is_arithmetic_v<T> || std::is_same_v<T, float16_t> || std::is_same_v<T, bfloat16_t> ||
    std::is_same_v<T, complex64_t>;
// MLX makes a C++ double scalar float32 (its TypeToDtype<double>).
template <typename T>
array scalar_operand(T v) {
  if constexpr (std::is_same_v<T, double>) {
    return array(v, float32);
  } else {
    return array(v);
  }
}
} // namespace detail

#define MLX_BINARY_OPERATOR(OP, FN)                                                     \
  inline array operator OP(const array& a, const array& b) { return FN(a, b); }         \
  template <typename T, typename = std::enable_if_t<detail::is_scalar_operand_v<T>>>   \
  array operator OP(T a, const array& b) {                                               \
    return FN(detail::scalar_operand(a), b);                                                              \
  }                                                                                      \
  template <typename T, typename = std::enable_if_t<detail::is_scalar_operand_v<T>>>   \
  array operator OP(const array& a, T b) {                                               \
    return FN(a, detail::scalar_operand(b));                                                              \
  }

MLX_BINARY_OPERATOR(+, add)
MLX_BINARY_OPERATOR(-, subtract)
MLX_BINARY_OPERATOR(*, multiply)
MLX_BINARY_OPERATOR(/, divide)
MLX_BINARY_OPERATOR(%, remainder)
MLX_BINARY_OPERATOR(==, equal)
MLX_BINARY_OPERATOR(!=, not_equal)
MLX_BINARY_OPERATOR(<, less)
MLX_BINARY_OPERATOR(<=, less_equal)
MLX_BINARY_OPERATOR(>, greater)
MLX_BINARY_OPERATOR(>=, greater_equal)
MLX_BINARY_OPERATOR(&, bitwise_and)
MLX_BINARY_OPERATOR(|, bitwise_or)
MLX_BINARY_OPERATOR(^, bitwise_xor)
MLX_BINARY_OPERATOR(<<, left_shift)
MLX_BINARY_OPERATOR(>>, right_shift)
inline array operator&&(const array& a, const array& b) { return logical_and(a, b); }
inline array operator||(const array& a, const array& b) { return logical_or(a, b); }
#undef MLX_BINARY_OPERATOR

} // namespace mlx::core
