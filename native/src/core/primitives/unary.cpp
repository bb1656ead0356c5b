// Transform rules (jvp, vjp, vmap) and device fallbacks of the unary
// primitives.
#include "mlx/primitives/unary.h"

#include <cmath>

#include "mlx/ops.h"

namespace mlx::core {

const char* Log::name() const {
  switch (base_) {
    case Base::two: return "Log2";
    case Base::ten: return "Log10";
    default: return "Log";
  }
}

bool Log::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const Log*>(&other);
  return o && o->base_ == base_;
}

bool Sqrt::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const Sqrt*>(&other);
  return o && o->recip_ == recip_;
}

bool Round::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const Round*>(&other);
  return o && o->decimals_ == decimals_;
}

bool ScaleUnary::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const ScaleUnary*>(&other);
  return o && o->kind_ == kind_;
}

double ScaleUnary::scale() const {
  constexpr double pi = 3.14159265358979323846;
  return kind_ == Kind::degrees ? 180.0 / pi : pi / 180.0;
}

// ---------------------------------------------------------------------------
// Transformation rules.
//
// Every differentiable primitive here is an elementwise f with a derivative
// f'(x): the jvp is t * f'(x) and the vjp is c * conj(f'(x)) (MLX's convention
// for complex inputs; conjugate is the identity on real dtypes). One `chain`
// function per primitive computes g * f'(x) for both, conjugating the factor
// when it is a vjp. vjps keep the primal's dtype. The vmap of an elementwise
// primitive applies it to the batched input: the output axis is the input's.

namespace {

using VmapResult = std::pair<std::vector<array>, std::vector<int>>;

/** What a chain rule needs: the primal x, the forward output when it is
 * already computed (vjp), and whether the factor is conjugated (vjp). */
struct Chain {
  const array& x;
  const array* out; // null in a jvp
  bool vjp;
  Stream s;

  /** conj(a) in a vjp, a in a jvp. */
  array conj(const array& a) const { return vjp ? conjugate(a, s) : a; }
  /** The constant v in x's dtype. */
  array k(double v) const { return array(v, x.dtype()); }
  /** f(x): the forward output when known, else recomputed by `f`. */
  template <typename F>
  array output(F&& f) const {
    return out ? *out : f();
  }
  /** g * conj?(d). */
  array times(const array& g, const array& d) const { return multiply(g, conj(d), s); }
  /** g / conj?(d). */
  array over(const array& g, const array& d) const { return divide(g, conj(d), s); }
};

array with_dtype(const array& a, Dtype dtype, const Stream& s) {
  return a.dtype() == dtype ? a : astype(a, dtype, s);
}

// 1 - x^2 and x^2 + v, in x's dtype.
array one_minus_sq(const Chain& c) { return subtract(c.k(1), square(c.x, c.s), c.s); }
array sq_plus(const Chain& c, double v) { return add(square(c.x, c.s), c.k(v), c.s); }

} // namespace

// g * f'(x) for each differentiable primitive (see Chain).
namespace {

array chain(const Negative&, const array& g, const Chain& c) { return negative(g, c.s); }

array chain(const Exp&, const array& g, const Chain& c) {
  return c.times(g, c.output([&] { return exp(c.x, c.s); }));
}

// e^x, not expm1(x) + 1: that loses the relative precision for x << 0.
array chain(const Expm1&, const array& g, const Chain& c) { return c.times(g, exp(c.x, c.s)); }

array chain(const Log& p, const array& g, const Chain& c) {
  auto r = c.over(g, c.x);
  if (p.base() == Log::Base::e) return r;
  double scale = 1.0 / std::log(p.base() == Log::Base::two ? 2.0 : 10.0);
  return multiply(r, c.k(scale), c.s);
}

array chain(const Log1p&, const array& g, const Chain& c) {
  return c.over(g, add(c.k(1), c.x, c.s));
}

// sqrt: 1 / (2 sqrt(x)); rsqrt: -rsqrt(x) / (2 x).
array chain(const Sqrt& p, const array& g, const Chain& c) {
  if (p.recip()) {
    auto y = c.output([&] { return rsqrt(c.x, c.s); });
    return c.times(multiply(c.k(-0.5), g, c.s), divide(y, c.x, c.s));
  }
  auto y = c.output([&] { return sqrt(c.x, c.s); });
  return c.over(multiply(c.k(0.5), g, c.s), y);
}

array chain(const Square&, const array& g, const Chain& c) {
  return c.times(multiply(c.k(2), g, c.s), c.x);
}

// -1 / x^2 = -(1/x)^2.
array chain(const Reciprocal&, const array& g, const Chain& c) {
  auto y = c.output([&] { return reciprocal(c.x, c.s); });
  return negative(c.times(g, square(y, c.s)), c.s);
}

array chain(const Sin&, const array& g, const Chain& c) { return c.times(g, cos(c.x, c.s)); }

array chain(const Cos&, const array& g, const Chain& c) {
  return negative(c.times(g, sin(c.x, c.s)), c.s);
}

array chain(const Tan&, const array& g, const Chain& c) {
  return c.over(g, square(cos(c.x, c.s), c.s));
}

array chain(const ArcSin&, const array& g, const Chain& c) {
  return c.times(g, rsqrt(one_minus_sq(c), c.s));
}

array chain(const ArcCos&, const array& g, const Chain& c) {
  return negative(c.times(g, rsqrt(one_minus_sq(c), c.s)), c.s);
}

array chain(const ArcTan&, const array& g, const Chain& c) { return c.over(g, sq_plus(c, 1)); }

array chain(const Sinh&, const array& g, const Chain& c) { return c.times(g, cosh(c.x, c.s)); }

array chain(const Cosh&, const array& g, const Chain& c) { return c.times(g, sinh(c.x, c.s)); }

// 1 / cosh(x)^2 (0 once cosh overflows, the right limit).
array chain(const Tanh&, const array& g, const Chain& c) {
  return c.over(g, square(cosh(c.x, c.s), c.s));
}

array chain(const ArcSinh&, const array& g, const Chain& c) {
  return c.times(g, rsqrt(sq_plus(c, 1), c.s));
}

array chain(const ArcCosh&, const array& g, const Chain& c) {
  return c.times(g, rsqrt(sq_plus(c, -1), c.s));
}

array chain(const ArcTanh&, const array& g, const Chain& c) { return c.over(g, one_minus_sq(c)); }

array chain(const ScaleUnary& p, const array& g, const Chain& c) {
  return multiply(g, c.k(p.scale()), c.s);
}

// 2 / sqrt(pi) * e^(-x^2).
array chain(const Erf&, const array& g, const Chain& c) {
  constexpr double two_over_sqrt_pi = 1.12837916709551257390;
  auto d = exp(negative(square(c.x, c.s), c.s), c.s);
  return multiply(c.k(two_over_sqrt_pi), multiply(g, d, c.s), c.s);
}

// sqrt(pi) / 2 * e^(erfinv(x)^2).
array chain(const ErfInv&, const array& g, const Chain& c) {
  constexpr double sqrt_pi_over_two = 0.88622692545275801365;
  auto y = c.output([&] { return erfinv(c.x, c.s); });
  auto d = exp(square(y, c.s), c.s);
  return multiply(c.k(sqrt_pi_over_two), multiply(g, d, c.s), c.s);
}

// sigmoid(x) * (1 - sigmoid(x)).
array chain(const Sigmoid&, const array& g, const Chain& c) {
  auto y = c.output([&] { return sigmoid(c.x, c.s); });
  return multiply(g, multiply(y, subtract(c.k(1), y, c.s), c.s), c.s);
}

} // namespace

// vjp and jvp of a primitive with a chain rule.
#define MLX_UNARY_CHAIN_RULES(NAME)                                                     \
  std::vector<array> NAME::vjp(const std::vector<array>& primals,                       \
                               const std::vector<array>& cotangents,                    \
                               const std::vector<int>&, const std::vector<array>& outputs) { \
    Chain c{primals[0], outputs.empty() ? nullptr : &outputs[0], true, stream()};       \
    return {with_dtype(chain(*this, cotangents[0], c), primals[0].dtype(), stream())};  \
  }                                                                                     \
  std::vector<array> NAME::jvp(const std::vector<array>& primals,                       \
                               const std::vector<array>& tangents, const std::vector<int>&) { \
    Chain c{primals[0], nullptr, false, stream()};                                      \
    return {chain(*this, tangents[0], c)};                                              \
  }

MLX_UNARY_CHAIN_RULES(Negative)
MLX_UNARY_CHAIN_RULES(Exp)
MLX_UNARY_CHAIN_RULES(Expm1)
MLX_UNARY_CHAIN_RULES(Log)
MLX_UNARY_CHAIN_RULES(Log1p)
MLX_UNARY_CHAIN_RULES(Sqrt)
MLX_UNARY_CHAIN_RULES(Square)
MLX_UNARY_CHAIN_RULES(Reciprocal)
MLX_UNARY_CHAIN_RULES(Sin)
MLX_UNARY_CHAIN_RULES(Cos)
MLX_UNARY_CHAIN_RULES(Tan)
MLX_UNARY_CHAIN_RULES(ArcSin)
MLX_UNARY_CHAIN_RULES(ArcCos)
MLX_UNARY_CHAIN_RULES(ArcTan)
MLX_UNARY_CHAIN_RULES(Sinh)
MLX_UNARY_CHAIN_RULES(Cosh)
MLX_UNARY_CHAIN_RULES(Tanh)
MLX_UNARY_CHAIN_RULES(ArcSinh)
MLX_UNARY_CHAIN_RULES(ArcCosh)
MLX_UNARY_CHAIN_RULES(ArcTanh)
MLX_UNARY_CHAIN_RULES(ScaleUnary)
MLX_UNARY_CHAIN_RULES(Erf)
MLX_UNARY_CHAIN_RULES(ErfInv)
MLX_UNARY_CHAIN_RULES(Sigmoid)

#undef MLX_UNARY_CHAIN_RULES

// ---- Abs: sign(x); |z| of a complex z has the real derivative Re(conj(sign z) t) ----

std::vector<array> Abs::vjp(const std::vector<array>& primals,
                            const std::vector<array>& cotangents, const std::vector<int>&,
                            const std::vector<array>&) {
  auto s = stream();
  auto r = multiply(cotangents[0], sign(primals[0], s), s);
  return {with_dtype(r, primals[0].dtype(), s)};
}

std::vector<array> Abs::jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                            const std::vector<int>&) {
  auto s = stream();
  auto sg = sign(primals[0], s);
  if (primals[0].dtype() == complex64) {
    // The primitive's output is complex64 (abs casts it to float32 after).
    return {astype(real(multiply(tangents[0], conjugate(sg, s), s), s), complex64, s)};
  }
  return {multiply(tangents[0], sg, s)};
}

// ---- Complex parts (the primitives only see complex64 inputs) ----

// Real: the cotangent of Re(z) is real: c + 0i.
std::vector<array> Real::vjp(const std::vector<array>& primals,
                             const std::vector<array>& cotangents, const std::vector<int>&,
                             const std::vector<array>&) {
  return {astype(cotangents[0], primals[0].dtype(), stream())};
}

std::vector<array> Real::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                             const std::vector<int>&) {
  return {real(tangents[0], stream())};
}

// Imag: the cotangent of Im(z) is 0 + c i.
std::vector<array> Imag::vjp(const std::vector<array>& primals,
                             const std::vector<array>& cotangents, const std::vector<int>&,
                             const std::vector<array>&) {
  auto s = stream();
  auto i = array(complex64_t(0.0f, 1.0f), complex64);
  return {with_dtype(multiply(i, cotangents[0], s), primals[0].dtype(), s)};
}

std::vector<array> Imag::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                             const std::vector<int>&) {
  return {imag(tangents[0], stream())};
}

std::vector<array> Conjugate::vjp(const std::vector<array>& primals,
                                  const std::vector<array>& cotangents, const std::vector<int>&,
                                  const std::vector<array>&) {
  return {with_dtype(conjugate(cotangents[0], stream()), primals[0].dtype(), stream())};
}

std::vector<array> Conjugate::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                                  const std::vector<int>&) {
  return {conjugate(tangents[0], stream())};
}

// ---- Zero derivatives ----
//
// Piecewise-constant functions (sign, floor, ceil, round), the predicates,
// logical and bitwise not, and stop_gradient: zero cotangents of the primal's
// shape and dtype. Zero tangents take the primal's dtype where the output has
// it, and the tangent's dtype for bool outputs (MLX's rule for comparisons).

#define MLX_UNARY_ZERO_RULES(NAME, BOOL_OUTPUT)                                         \
  std::vector<array> NAME::vjp(const std::vector<array>& primals, const std::vector<array>&, \
                               const std::vector<int>&, const std::vector<array>&) {    \
    return {zeros_like(primals[0], stream())};                                          \
  }                                                                                     \
  std::vector<array> NAME::jvp(const std::vector<array>& primals,                       \
                               const std::vector<array>& tangents, const std::vector<int>&) { \
    return {zeros(primals[0].shape(), BOOL_OUTPUT ? tangents[0].dtype() : primals[0].dtype(), \
                  stream())};                                                           \
  }

MLX_UNARY_ZERO_RULES(Sign, false)
MLX_UNARY_ZERO_RULES(Floor, false)
MLX_UNARY_ZERO_RULES(Ceil, false)
MLX_UNARY_ZERO_RULES(Round, false)
MLX_UNARY_ZERO_RULES(BitwiseInvert, false)
MLX_UNARY_ZERO_RULES(StopGradient, false)
MLX_UNARY_ZERO_RULES(IsNaN, true)
MLX_UNARY_ZERO_RULES(IsInf, true)
MLX_UNARY_ZERO_RULES(IsPosInf, true)
MLX_UNARY_ZERO_RULES(IsNegInf, true)
MLX_UNARY_ZERO_RULES(IsFinite, true)
MLX_UNARY_ZERO_RULES(LogicalNot, true)

#undef MLX_UNARY_ZERO_RULES

// ---- vmap: the same primitive on the batched input, at the same axis ----

namespace {

// A node of P (built with `args`) on x, with x's shape and the given dtype.
template <typename P, typename... Args>
VmapResult remap(const std::vector<array>& inputs, const std::vector<int>& axes, Dtype dtype,
                 const Stream& s, Args... args) {
  auto shape = inputs[0].shape();
  return {{array(std::move(shape), dtype, std::make_shared<P>(s, args...), {inputs[0]})},
          {axes[0]}};
}

} // namespace

// Primitives whose output dtype is their input's.
#define MLX_UNARY_VMAP(NAME, ...)                                                      \
  VmapResult NAME::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) { \
    return remap<NAME>(inputs, axes, inputs[0].dtype(), stream(), ##__VA_ARGS__);       \
  }
// Primitives with a fixed output dtype.
#define MLX_UNARY_VMAP_TO(NAME, DTYPE)                                                 \
  VmapResult NAME::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) { \
    return remap<NAME>(inputs, axes, DTYPE, stream());                                  \
  }

MLX_UNARY_VMAP(Abs)
MLX_UNARY_VMAP(Negative)
MLX_UNARY_VMAP(Sign)
MLX_UNARY_VMAP(Exp)
MLX_UNARY_VMAP(Expm1)
MLX_UNARY_VMAP(Log, base())
MLX_UNARY_VMAP(Log1p)
MLX_UNARY_VMAP(Sqrt, recip())
MLX_UNARY_VMAP(Square)
MLX_UNARY_VMAP(Reciprocal)
MLX_UNARY_VMAP(Sin)
MLX_UNARY_VMAP(Cos)
MLX_UNARY_VMAP(Tan)
MLX_UNARY_VMAP(ArcSin)
MLX_UNARY_VMAP(ArcCos)
MLX_UNARY_VMAP(ArcTan)
MLX_UNARY_VMAP(Sinh)
MLX_UNARY_VMAP(Cosh)
MLX_UNARY_VMAP(Tanh)
MLX_UNARY_VMAP(ArcSinh)
MLX_UNARY_VMAP(ArcCosh)
MLX_UNARY_VMAP(ArcTanh)
MLX_UNARY_VMAP(ScaleUnary, kind())
MLX_UNARY_VMAP(Floor)
MLX_UNARY_VMAP(Ceil)
MLX_UNARY_VMAP(Round, decimals())
MLX_UNARY_VMAP(Erf)
MLX_UNARY_VMAP(ErfInv)
MLX_UNARY_VMAP(Sigmoid)
MLX_UNARY_VMAP(BitwiseInvert)
MLX_UNARY_VMAP(Conjugate)
MLX_UNARY_VMAP(StopGradient)
MLX_UNARY_VMAP_TO(IsNaN, bool_)
MLX_UNARY_VMAP_TO(IsInf, bool_)
MLX_UNARY_VMAP_TO(IsPosInf, bool_)
MLX_UNARY_VMAP_TO(IsNegInf, bool_)
MLX_UNARY_VMAP_TO(IsFinite, bool_)
MLX_UNARY_VMAP_TO(LogicalNot, bool_)
MLX_UNARY_VMAP_TO(Real, float32)
MLX_UNARY_VMAP_TO(Imag, float32)

#undef MLX_UNARY_VMAP
#undef MLX_UNARY_VMAP_TO


MLX_NO_GPU(Abs)
MLX_NO_GPU(Negative)
MLX_NO_GPU(Sign)
MLX_NO_GPU(Exp)
MLX_NO_GPU(Expm1)
MLX_NO_GPU(Log)
MLX_NO_GPU(Log1p)
MLX_NO_GPU(Sqrt)
MLX_NO_GPU(Square)
MLX_NO_GPU(Reciprocal)
MLX_NO_GPU(Sin)
MLX_NO_GPU(Cos)
MLX_NO_GPU(Tan)
MLX_NO_GPU(ArcSin)
MLX_NO_GPU(ArcCos)
MLX_NO_GPU(ArcTan)
MLX_NO_GPU(Sinh)
MLX_NO_GPU(Cosh)
MLX_NO_GPU(Tanh)
MLX_NO_GPU(ArcSinh)
MLX_NO_GPU(ArcCosh)
MLX_NO_GPU(ArcTanh)
MLX_NO_GPU(ScaleUnary)
MLX_NO_GPU(Floor)
MLX_NO_GPU(Ceil)
MLX_NO_GPU(Round)
MLX_NO_GPU(Erf)
MLX_NO_GPU(ErfInv)
MLX_NO_GPU(Sigmoid)
MLX_NO_GPU(IsNaN)
MLX_NO_GPU(IsInf)
MLX_NO_GPU(IsPosInf)
MLX_NO_GPU(IsNegInf)
MLX_NO_GPU(IsFinite)
MLX_NO_GPU(LogicalNot)
MLX_NO_GPU(BitwiseInvert)
MLX_NO_GPU(Conjugate)
MLX_NO_GPU(Real)
MLX_NO_GPU(Imag)
MLX_NO_GPU(StopGradient)

} // namespace mlx::core
