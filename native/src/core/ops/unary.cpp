// Unary operations: validate the dtype, work out the output dtype (MLX's
// rules), cast the input where the kernel computes in another dtype, and
// build the graph node.
#include "mlx/ops/unary.h"

#include <cmath>
#include <limits>
#include <sstream>

#include "mlx/ops/creation.h"
#include "mlx/primitives/unary.h"

namespace mlx::core {

namespace {

/** Integer and bool dtypes compute in float32; floating and complex keep theirs. */
Dtype at_least_float(Dtype t) { return issubdtype(t, inexact) ? t : float32; }

bool is_integral_or_bool(Dtype t) { return t == bool_ || issubdtype(t, integer); }

/** A node of primitive P on `a` cast to `dtype`, with output dtype `out_dtype`. */
template <typename P, typename... Args>
array make_node(const array& a, Dtype in_dtype, Dtype out_dtype, StreamOrDevice s,
                Args&&... args) {
  auto stream = to_stream(s);
  auto shape = a.shape();
  return array(std::move(shape), out_dtype,
               std::make_shared<P>(stream, std::forward<Args>(args)...),
               {astype(a, in_dtype, stream)});
}

/** The common case: float math in at_least_float(a.dtype()). */
template <typename P, typename... Args>
array float_node(const array& a, StreamOrDevice s, Args&&... args) {
  auto dtype = at_least_float(a.dtype());
  return make_node<P>(a, dtype, dtype, s, std::forward<Args>(args)...);
}

/** Same dtype in and out. */
template <typename P>
array same_node(const array& a, StreamOrDevice s) {
  return make_node<P>(a, a.dtype(), a.dtype(), s);
}

void no_complex(const array& a, const char* op) {
  if (a.dtype() == complex64) {
    std::ostringstream msg;
    msg << "[" << op << "] Not supported for complex64.";
    throw std::invalid_argument(msg.str());
  }
}

/** Predicate node (bool output) for floating and complex inputs. */
template <typename P>
array predicate(const array& a, bool integral_value, StreamOrDevice s) {
  if (is_integral_or_bool(a.dtype())) {
    return full(a.shape(), array(integral_value), bool_, s);
  }
  return make_node<P>(a, a.dtype(), bool_, s);
}

} // namespace

array abs(const array& a, StreamOrDevice s) {
  auto out = same_node<Abs>(a, s);
  // The modulus of a complex number is real (MLX casts the complex result).
  if (a.dtype() == complex64) out = astype(out, float32, s);
  return out;
}

array negative(const array& a, StreamOrDevice s) {
  if (a.dtype() == bool_) {
    throw std::invalid_argument("[negative] Not supported for bool, use logical_not instead.");
  }
  return same_node<Negative>(a, s);
}

array operator-(const array& a) { return negative(a); }

array sign(const array& a, StreamOrDevice s) { return same_node<Sign>(a, s); }

array exp(const array& a, StreamOrDevice s) { return float_node<Exp>(a, s); }

array expm1(const array& a, StreamOrDevice s) {
  no_complex(a, "expm1");
  return float_node<Expm1>(a, s);
}

array log(const array& a, StreamOrDevice s) { return float_node<Log>(a, s, Log::Base::e); }
array log2(const array& a, StreamOrDevice s) { return float_node<Log>(a, s, Log::Base::two); }
array log10(const array& a, StreamOrDevice s) { return float_node<Log>(a, s, Log::Base::ten); }
array log1p(const array& a, StreamOrDevice s) { return float_node<Log1p>(a, s); }

array sqrt(const array& a, StreamOrDevice s) { return float_node<Sqrt>(a, s, false); }
array rsqrt(const array& a, StreamOrDevice s) { return float_node<Sqrt>(a, s, true); }

array square(const array& a, StreamOrDevice s) { return same_node<Square>(a, s); }

array reciprocal(const array& a, StreamOrDevice s) { return float_node<Reciprocal>(a, s); }

array sin(const array& a, StreamOrDevice s) { return float_node<Sin>(a, s); }
array cos(const array& a, StreamOrDevice s) { return float_node<Cos>(a, s); }
array tan(const array& a, StreamOrDevice s) { return float_node<Tan>(a, s); }
array arcsin(const array& a, StreamOrDevice s) { return float_node<ArcSin>(a, s); }
array arccos(const array& a, StreamOrDevice s) { return float_node<ArcCos>(a, s); }
array arctan(const array& a, StreamOrDevice s) { return float_node<ArcTan>(a, s); }
array sinh(const array& a, StreamOrDevice s) { return float_node<Sinh>(a, s); }
array cosh(const array& a, StreamOrDevice s) { return float_node<Cosh>(a, s); }
array tanh(const array& a, StreamOrDevice s) { return float_node<Tanh>(a, s); }
array arcsinh(const array& a, StreamOrDevice s) { return float_node<ArcSinh>(a, s); }
array arccosh(const array& a, StreamOrDevice s) { return float_node<ArcCosh>(a, s); }
array arctanh(const array& a, StreamOrDevice s) { return float_node<ArcTanh>(a, s); }

array degrees(const array& a, StreamOrDevice s) {
  return float_node<ScaleUnary>(a, s, ScaleUnary::Kind::degrees);
}
array radians(const array& a, StreamOrDevice s) {
  return float_node<ScaleUnary>(a, s, ScaleUnary::Kind::radians);
}

array floor(const array& a, StreamOrDevice s) {
  no_complex(a, "floor");
  return same_node<Floor>(a, s);
}

array ceil(const array& a, StreamOrDevice s) {
  no_complex(a, "ceil");
  return same_node<Ceil>(a, s);
}

array round(const array& a, int decimals, StreamOrDevice s) {
  if (decimals == 0) return make_node<Round>(a, a.dtype(), a.dtype(), s, 0);
  // Scale, round and scale back in a floating dtype, then return a's dtype.
  auto dtype = at_least_float(a.dtype());
  auto out = make_node<Round>(a, dtype, dtype, s, decimals);
  return astype(out, a.dtype(), s);
}

array erf(const array& a, StreamOrDevice s) {
  no_complex(a, "erf");
  return float_node<Erf>(a, s);
}

array erfinv(const array& a, StreamOrDevice s) {
  no_complex(a, "erfinv");
  return float_node<ErfInv>(a, s);
}

array sigmoid(const array& a, StreamOrDevice s) {
  no_complex(a, "sigmoid");
  return float_node<Sigmoid>(a, s);
}

array isnan(const array& a, StreamOrDevice s) { return predicate<IsNaN>(a, false, s); }
array isinf(const array& a, StreamOrDevice s) { return predicate<IsInf>(a, false, s); }
array isfinite(const array& a, StreamOrDevice s) { return predicate<IsFinite>(a, true, s); }
array isposinf(const array& a, StreamOrDevice s) { return predicate<IsPosInf>(a, false, s); }
array isneginf(const array& a, StreamOrDevice s) { return predicate<IsNegInf>(a, false, s); }

array logical_not(const array& a, StreamOrDevice s) {
  return make_node<LogicalNot>(a, bool_, bool_, s);
}

array bitwise_invert(const array& a, StreamOrDevice s) {
  if (issubdtype(a.dtype(), inexact)) {
    std::ostringstream msg;
    msg << "[bitwise_invert] Bitwise inverse only allowed on integer types, got "
        << dtype_to_string(a.dtype()) << ".";
    throw std::invalid_argument(msg.str());
  }
  if (a.dtype() == bool_) return logical_not(a, s);
  return same_node<BitwiseInvert>(a, s);
}

array operator~(const array& a) { return bitwise_invert(a); }

array conjugate(const array& a, StreamOrDevice s) {
  if (a.dtype() != complex64) return a;
  return same_node<Conjugate>(a, s);
}

array real(const array& a, StreamOrDevice s) {
  if (a.dtype() != complex64) return a;
  return make_node<Real>(a, complex64, float32, s);
}

array imag(const array& a, StreamOrDevice s) {
  if (a.dtype() != complex64) return zeros_like(a, s);
  return make_node<Imag>(a, complex64, float32, s);
}

array stop_gradient(const array& a, StreamOrDevice s) { return same_node<StopGradient>(a, s); }

} // namespace mlx::core
