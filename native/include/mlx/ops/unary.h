// Operations of the unary family: elementwise math on one array.
//
// Dtype rules follow MLX: transcendental functions (exp, log, sin, sqrt, ...)
// promote integer and bool inputs to float32 and keep floating/complex dtypes;
// abs, negative, sign and square keep the input dtype; floor, ceil and round
// are identities on integers; the predicates (isnan, ...) and logical_not
// return bool; real/imag of complex64 give float32.
#pragma once

#include "mlx/array.h"
#include "mlx/utils.h"

namespace mlx::core {

/** Absolute value (float32 for complex64 inputs: the modulus). */
array abs(const array& a, StreamOrDevice s = {});
/** -a. Throws for bool (use logical_not). Unsigned integers wrap around. */
array negative(const array& a, StreamOrDevice s = {});
array operator-(const array& a);
/** -1, 0 or 1 by sign (0 for nan, as MLX); z / |z| for complex; identity on bool. */
array sign(const array& a, StreamOrDevice s = {});

array exp(const array& a, StreamOrDevice s = {});
/** e^a - 1, accurate near 0. Not for complex64. */
array expm1(const array& a, StreamOrDevice s = {});
array log(const array& a, StreamOrDevice s = {});
/** log(1 + a), accurate near 0. */
array log1p(const array& a, StreamOrDevice s = {});
array log2(const array& a, StreamOrDevice s = {});
array log10(const array& a, StreamOrDevice s = {});
array sqrt(const array& a, StreamOrDevice s = {});
/** 1 / sqrt(a). */
array rsqrt(const array& a, StreamOrDevice s = {});
/** a * a in a's dtype. */
array square(const array& a, StreamOrDevice s = {});
/** 1 / a (integers and bool promote to float32). */
array reciprocal(const array& a, StreamOrDevice s = {});

array sin(const array& a, StreamOrDevice s = {});
array cos(const array& a, StreamOrDevice s = {});
array tan(const array& a, StreamOrDevice s = {});
array arcsin(const array& a, StreamOrDevice s = {});
array arccos(const array& a, StreamOrDevice s = {});
array arctan(const array& a, StreamOrDevice s = {});
array sinh(const array& a, StreamOrDevice s = {});
array cosh(const array& a, StreamOrDevice s = {});
array tanh(const array& a, StreamOrDevice s = {});
array arcsinh(const array& a, StreamOrDevice s = {});
array arccosh(const array& a, StreamOrDevice s = {});
array arctanh(const array& a, StreamOrDevice s = {});
/** Radians to degrees. */
array degrees(const array& a, StreamOrDevice s = {});
/** Degrees to radians. */
array radians(const array& a, StreamOrDevice s = {});

/** Largest integer <= a (identity on integers). Not for complex64. */
array floor(const array& a, StreamOrDevice s = {});
/** Smallest integer >= a (identity on integers). Not for complex64. */
array ceil(const array& a, StreamOrDevice s = {});
/** Rounds half to even to `decimals` decimal places: round(a * 10^d) / 10^d,
 * computed in a's floating dtype (float32 for integers) and cast back. */
array round(const array& a, int decimals, StreamOrDevice s = {});
inline array round(const array& a, StreamOrDevice s = {}) { return round(a, 0, s); }

/** Error function. Not for complex64. */
array erf(const array& a, StreamOrDevice s = {});
/** Inverse error function on [-1, 1] (nan outside). Not for complex64. */
array erfinv(const array& a, StreamOrDevice s = {});
/** 1 / (1 + e^-a). Not for complex64. */
array sigmoid(const array& a, StreamOrDevice s = {});

/** Predicates: bool arrays (all false / all true for integer and bool inputs). */
array isnan(const array& a, StreamOrDevice s = {});
array isinf(const array& a, StreamOrDevice s = {});
array isfinite(const array& a, StreamOrDevice s = {});
array isposinf(const array& a, StreamOrDevice s = {});
array isneginf(const array& a, StreamOrDevice s = {});

/** Logical not of a cast to bool. */
array logical_not(const array& a, StreamOrDevice s = {});
/** ~a for integers, logical_not for bool; throws for floating dtypes. */
array bitwise_invert(const array& a, StreamOrDevice s = {});
array operator~(const array& a);

/** Complex conjugate (a itself for real dtypes). */
array conjugate(const array& a, StreamOrDevice s = {});
/** Real part (a itself for real dtypes). */
array real(const array& a, StreamOrDevice s = {});
/** Imaginary part (zeros for real dtypes). */
array imag(const array& a, StreamOrDevice s = {});

/** The identity, marking a point that gradients do not flow through. */
array stop_gradient(const array& a, StreamOrDevice s = {});

} // namespace mlx::core
