// Transform rules and device fallbacks of the binary primitives.
#include "mlx/primitives/binary.h"

#include <algorithm>
#include <functional>
#include <optional>

#include "mlx/ops.h"
#include "mlx/utils.h"

namespace mlx::core {

Shape binary_output_shape(const std::vector<array>& inputs) {
  Shape out;
  for (auto& in : inputs) out = broadcast_shapes(out, in.shape());
  return out;
}

bool Equal::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const Equal*>(&other);
  return o && o->equal_nan_ == equal_nan_;
}

const char* BitwiseBinary::name() const {
  switch (op_) {
    case Op::And: return "BitwiseAnd";
    case Op::Or: return "BitwiseOr";
    case Op::Xor: return "BitwiseXor";
    case Op::LeftShift: return "LeftShift";
    case Op::RightShift: return "RightShift";
  }
  return "BitwiseBinary";
}

bool BitwiseBinary::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const BitwiseBinary*>(&other);
  return o && o->op_ == op_;
}

bool IsClose::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const IsClose*>(&other);
  return o && o->rtol_ == rtol_ && o->atol_ == atol_ && o->equal_nan_ == equal_nan_ &&
         o->reduce_ == reduce_;
}

std::vector<Shape> IsClose::output_shapes(const std::vector<array>& inputs) {
  if (reduce_) return {Shape{}};
  return {binary_output_shape(inputs)};
}

bool ArrayEqual::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const ArrayEqual*>(&other);
  return o && o->equal_nan_ == equal_nan_;
}


// ---------------------------------------------------------------------------
// Transformation rules.
//
// The primitives broadcast their inputs inside the kernel, so a cotangent has
// the output shape: each input's vjp sums it over the axes that input was
// broadcast along. A tangent of one input has that input's shape: the jvp
// broadcasts the result to the output shape.

namespace {

using VmapResult = std::pair<std::vector<array>, std::vector<int>>;

// `g` summed to `shape` (over leading axes and the axes of size 1 in shape) and
// cast to `dtype`.
array unbroadcast(const array& g, const Shape& shape, Dtype dtype, const Stream& s) {
  array r = g;
  if (r.shape() != shape) {
    int lead = static_cast<int>(r.ndim()) - static_cast<int>(shape.size());
    std::vector<int> axes;
    for (int i = 0; i < lead; ++i) axes.push_back(i);
    for (int i = 0; i < static_cast<int>(shape.size()); ++i) {
      if (shape[i] == 1 && r.shape(lead + i) != 1) axes.push_back(lead + i);
    }
    if (!axes.empty()) r = sum(r, axes, true, s);
    if (r.shape() != shape) r = reshape(r, shape, s);
  }
  return r.dtype() == dtype ? r : astype(r, dtype, s);
}

// The cotangent of input `arg`: `g` reduced to that primal's shape and dtype.
array to_primal(const array& g, const std::vector<array>& primals, int arg, const Stream& s) {
  return unbroadcast(g, primals[arg].shape(), primals[arg].dtype(), s);
}

// A tangent of the output: broadcast to the output shape, of the output dtype.
array to_output(const array& t, const Shape& shape, Dtype dtype, const Stream& s) {
  array r = t.shape() == shape ? t : broadcast_to(t, shape, s);
  return r.dtype() == dtype ? r : astype(r, dtype, s);
}

// jvp of an elementwise op as the sum over the given tangents of
// partial(arg, tangent).
array sum_partials(const std::vector<array>& tangents, const std::vector<int>& argnums,
                   const std::function<array(int, const array&)>& partial, const Shape& shape,
                   Dtype dtype, const Stream& s) {
  std::optional<array> out;
  for (size_t i = 0; i < argnums.size(); ++i) {
    array t = partial(argnums[i], tangents[i]);
    out = out ? add(*out, t, s) : t;
  }
  return to_output(*out, shape, dtype, s);
}

// vjp of each argnum by `cotangent_of(arg)` (of the output shape), reduced.
std::vector<array> each_vjp(const std::vector<array>& primals, const std::vector<int>& argnums,
                            const std::function<array(int)>& cotangent_of, const Stream& s) {
  std::vector<array> vjps;
  for (int arg : argnums) vjps.push_back(to_primal(cotangent_of(arg), primals, arg, s));
  return vjps;
}

// Zero cotangents (non-differentiable ops).
std::vector<array> zero_vjps(const std::vector<array>& primals, const std::vector<int>& argnums,
                             const Stream& s) {
  std::vector<array> vjps;
  for (int arg : argnums) vjps.push_back(zeros_like(primals[arg], s));
  return vjps;
}

// Zero output tangent of `shape` (non-differentiable ops; MLX's dtype rule:
// the tangent's dtype).
array zero_jvp(const std::vector<array>& tangents, const Shape& shape, const Stream& s) {
  return zeros(shape, tangents.empty() ? float32 : tangents[0].dtype(), s);
}

// A 0-d constant of `dtype`.
array scalar_like(double v, Dtype dtype) { return array(v, dtype); }

// Inputs of an elementwise op with their mapped axes moved to one position
// `axis` of the batched output (-1 when no input is mapped). Unmapped inputs
// get a size-1 axis there when plain broadcasting would not line them up.
struct Aligned {
  std::vector<array> inputs;
  int axis;
};

Aligned align_mapped(const std::vector<array>& inputs, const std::vector<int>& axes,
                     const Stream& s) {
  // Rank of the per-item output.
  int rank = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    rank = std::max(rank, static_cast<int>(inputs[i].ndim()) - (axes[i] >= 0 ? 1 : 0));
  }
  // Left-pads x with size-1 axes to `target` dimensions.
  auto pad = [&](const array& x, int target) {
    int n = target - static_cast<int>(x.ndim());
    if (n <= 0) return x;
    Shape shape(n, 1);
    shape.insert(shape.end(), x.shape().begin(), x.shape().end());
    return reshape(x, std::move(shape), s);
  };
  int to_ax = -1;
  for (size_t i = 0; i < inputs.size() && to_ax < 0; ++i) {
    if (axes[i] >= 0) to_ax = axes[i] + rank + 1 - static_cast<int>(inputs[i].ndim());
  }
  if (to_ax < 0) return {inputs, -1};
  std::vector<array> out;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const auto& x = inputs[i];
    int nd = static_cast<int>(x.ndim());
    if (axes[i] >= 0) {
      int ax = axes[i] + rank + 1 - nd;
      array y = pad(x, rank + 1);
      out.push_back(ax == to_ax ? y : moveaxis(y, ax, to_ax, s));
    } else if (to_ax < rank + 1 - nd) {
      // Broadcasting adds the batch axis in front of x's axes.
      out.push_back(x);
    } else {
      out.push_back(expand_dims(pad(x, rank), to_ax, s));
    }
  }
  return {std::move(out), to_ax};
}

// vmap of an elementwise op `f` (applied to the aligned inputs).
VmapResult vmap_elementwise(const std::vector<array>& inputs, const std::vector<int>& axes,
                            const Stream& s,
                            const std::function<std::vector<array>(const std::vector<array>&)>& f) {
  auto [xs, ax] = align_mapped(inputs, axes, s);
  auto outs = f(xs);
  return {outs, std::vector<int>(outs.size(), ax)};
}

VmapResult vmap_one(const std::vector<array>& inputs, const std::vector<int>& axes,
                    const Stream& s, const std::function<array(const array&, const array&)>& f) {
  return vmap_elementwise(inputs, axes, s, [&](const std::vector<array>& x) {
    return std::vector<array>{f(x[0], x[1])};
  });
}

// Axes of x other than `keep` (all when keep is -1).
std::vector<int> other_axes(const array& x, int keep) {
  std::vector<int> axes;
  for (int i = 0; i < static_cast<int>(x.ndim()); ++i) {
    if (i != keep) axes.push_back(i);
  }
  return axes;
}

} // namespace

// ---- Add, Subtract ----

std::vector<array> Add::vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                            const std::vector<int>& argnums, const std::vector<array>&) {
  return each_vjp(primals, argnums, [&](int) { return cotangents[0]; }, stream());
}

std::vector<array> Add::jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                            const std::vector<int>& argnums) {
  return {sum_partials(tangents, argnums, [](int, const array& t) { return t; },
                       binary_output_shape(primals), primals[0].dtype(), stream())};
}

VmapResult Add::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto s = stream();
  return vmap_one(inputs, axes, s, [s](const array& a, const array& b) { return add(a, b, s); });
}

std::vector<array> Subtract::vjp(const std::vector<array>& primals,
                                 const std::vector<array>& cotangents,
                                 const std::vector<int>& argnums, const std::vector<array>&) {
  auto s = stream();
  return each_vjp(
      primals, argnums,
      [&](int arg) { return arg == 0 ? cotangents[0] : negative(cotangents[0], s); }, s);
}

std::vector<array> Subtract::jvp(const std::vector<array>& primals,
                                 const std::vector<array>& tangents,
                                 const std::vector<int>& argnums) {
  auto s = stream();
  return {sum_partials(
      tangents, argnums,
      [s](int arg, const array& t) { return arg == 0 ? t : negative(t, s); },
      binary_output_shape(primals), primals[0].dtype(), s)};
}

VmapResult Subtract::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto s = stream();
  return vmap_one(inputs, axes, s,
                  [s](const array& a, const array& b) { return subtract(a, b, s); });
}

// ---- Multiply, Divide ----

std::vector<array> Multiply::vjp(const std::vector<array>& primals,
                                 const std::vector<array>& cotangents,
                                 const std::vector<int>& argnums, const std::vector<array>&) {
  auto s = stream();
  return each_vjp(
      primals, argnums,
      [&](int arg) { return multiply(conjugate(primals[1 - arg], s), cotangents[0], s); }, s);
}

std::vector<array> Multiply::jvp(const std::vector<array>& primals,
                                 const std::vector<array>& tangents,
                                 const std::vector<int>& argnums) {
  auto s = stream();
  return {sum_partials(
      tangents, argnums,
      [&](int arg, const array& t) { return multiply(t, primals[1 - arg], s); },
      binary_output_shape(primals), primals[0].dtype(), s)};
}

VmapResult Multiply::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto s = stream();
  return vmap_one(inputs, axes, s,
                  [s](const array& a, const array& b) { return multiply(a, b, s); });
}

// d(a/b) = da / b - db * a / b^2
std::vector<array> Divide::vjp(const std::vector<array>& primals,
                               const std::vector<array>& cotangents,
                               const std::vector<int>& argnums, const std::vector<array>&) {
  auto s = stream();
  auto b = conjugate(primals[1], s);
  return each_vjp(
      primals, argnums,
      [&](int arg) {
        if (arg == 0) return divide(cotangents[0], b, s);
        auto num = multiply(cotangents[0], conjugate(primals[0], s), s);
        return negative(divide(num, square(b, s), s), s);
      },
      s);
}

std::vector<array> Divide::jvp(const std::vector<array>& primals,
                               const std::vector<array>& tangents,
                               const std::vector<int>& argnums) {
  auto s = stream();
  return {sum_partials(
      tangents, argnums,
      [&](int arg, const array& t) {
        if (arg == 0) return divide(t, primals[1], s);
        return negative(divide(multiply(t, primals[0], s), square(primals[1], s), s), s);
      },
      binary_output_shape(primals), primals[0].dtype(), s)};
}

VmapResult Divide::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto s = stream();
  return vmap_one(inputs, axes, s, [s](const array& a, const array& b) { return divide(a, b, s); });
}

// ---- FloorDivide, Remainder, DivMod ----

// floor(a / b) is piecewise constant: zero gradient (MLX's floor_divide is
// floor(divide) for floats).
std::vector<array> FloorDivide::vjp(const std::vector<array>& primals, const std::vector<array>&,
                                    const std::vector<int>& argnums, const std::vector<array>&) {
  return zero_vjps(primals, argnums, stream());
}

std::vector<array> FloorDivide::jvp(const std::vector<array>& primals,
                                    const std::vector<array>& tangents, const std::vector<int>&) {
  return {zero_jvp(tangents, binary_output_shape(primals), stream())};
}

VmapResult FloorDivide::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto s = stream();
  return vmap_one(inputs, axes, s,
                  [s](const array& a, const array& b) { return floor_divide(a, b, s); });
}

// a mod b = a - b * floor(a / b): d/da = 1, d/db = -floor(a / b).
std::vector<array> Remainder::vjp(const std::vector<array>& primals,
                                  const std::vector<array>& cotangents,
                                  const std::vector<int>& argnums, const std::vector<array>&) {
  auto s = stream();
  return each_vjp(
      primals, argnums,
      [&](int arg) {
        if (arg == 0) return cotangents[0];
        auto q = floor(divide(primals[0], primals[1], s), s);
        return negative(multiply(q, cotangents[0], s), s);
      },
      s);
}

std::vector<array> Remainder::jvp(const std::vector<array>& primals,
                                  const std::vector<array>& tangents,
                                  const std::vector<int>& argnums) {
  auto s = stream();
  return {sum_partials(
      tangents, argnums,
      [&](int arg, const array& t) {
        if (arg == 0) return t;
        auto q = floor(divide(primals[0], primals[1], s), s);
        return negative(multiply(q, t, s), s);
      },
      binary_output_shape(primals), primals[0].dtype(), s)};
}

VmapResult Remainder::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto s = stream();
  return vmap_one(inputs, axes, s,
                  [s](const array& a, const array& b) { return remainder(a, b, s); });
}

// As MLX: divmod is not differentiated (zero for both outputs).
std::vector<array> DivMod::vjp(const std::vector<array>& primals, const std::vector<array>&,
                               const std::vector<int>& argnums, const std::vector<array>&) {
  return zero_vjps(primals, argnums, stream());
}

std::vector<array> DivMod::jvp(const std::vector<array>& primals,
                               const std::vector<array>& tangents, const std::vector<int>&) {
  auto z = zero_jvp(tangents, binary_output_shape(primals), stream());
  return {z, z};
}

VmapResult DivMod::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto s = stream();
  return vmap_elementwise(inputs, axes, s,
                          [s](const std::vector<array>& x) { return divmod(x[0], x[1], s); });
}

// ---- Power ----

// d/da = b * a^(b - 1); d/db = log(a) * a^b (0 where a^b is 0, as MLX).
// `out` (a^b) is needed for d/db only.
namespace {
array power_partial(const std::vector<array>& primals, int arg, const std::optional<array>& out,
                    const Stream& s) {
  const auto& a = primals[0];
  const auto& b = primals[1];
  if (arg == 0) {
    return multiply(power(a, subtract(b, scalar_like(1.0, b.dtype()), s), s), b, s);
  }
  auto d = multiply(log(a, s), *out, s);
  return where(*out, d, scalar_like(0.0, d.dtype()), s);
}
} // namespace

std::vector<array> Power::vjp(const std::vector<array>& primals,
                              const std::vector<array>& cotangents,
                              const std::vector<int>& argnums, const std::vector<array>& outputs) {
  auto s = stream();
  std::optional<array> out = outputs[0];
  return each_vjp(
      primals, argnums,
      [&](int arg) { return multiply(cotangents[0], power_partial(primals, arg, out, s), s); }, s);
}

std::vector<array> Power::jvp(const std::vector<array>& primals,
                              const std::vector<array>& tangents,
                              const std::vector<int>& argnums) {
  auto s = stream();
  std::optional<array> out;
  if (std::find(argnums.begin(), argnums.end(), 1) != argnums.end()) {
    out = power(primals[0], primals[1], s);
  }
  return {sum_partials(
      tangents, argnums,
      [&](int arg, const array& t) { return multiply(t, power_partial(primals, arg, out, s), s); },
      binary_output_shape(primals), primals[0].dtype(), s)};
}

VmapResult Power::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto s = stream();
  return vmap_one(inputs, axes, s, [s](const array& a, const array& b) { return power(a, b, s); });
}

// ---- Maximum, Minimum ----
// The gradient goes to the selected input; on ties, to the second (MLX's
// masks: a > b / a <= b for maximum, a < b / a >= b for minimum).

namespace {
array select_mask(bool is_max, int arg, const std::vector<array>& primals, const Stream& s) {
  const auto& a = primals[0];
  const auto& b = primals[1];
  if (is_max) return arg == 0 ? greater(a, b, s) : less_equal(a, b, s);
  return arg == 0 ? less(a, b, s) : greater_equal(a, b, s);
}

array masked(const array& mask, const array& g, const Stream& s) {
  return where(mask, g, scalar_like(0.0, g.dtype()), s);
}
} // namespace

std::vector<array> Maximum::vjp(const std::vector<array>& primals,
                                const std::vector<array>& cotangents,
                                const std::vector<int>& argnums, const std::vector<array>&) {
  auto s = stream();
  return each_vjp(
      primals, argnums,
      [&](int arg) { return masked(select_mask(true, arg, primals, s), cotangents[0], s); }, s);
}

std::vector<array> Maximum::jvp(const std::vector<array>& primals,
                                const std::vector<array>& tangents,
                                const std::vector<int>& argnums) {
  auto s = stream();
  return {sum_partials(
      tangents, argnums,
      [&](int arg, const array& t) { return masked(select_mask(true, arg, primals, s), t, s); },
      binary_output_shape(primals), primals[0].dtype(), s)};
}

VmapResult Maximum::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto s = stream();
  return vmap_one(inputs, axes, s,
                  [s](const array& a, const array& b) { return maximum(a, b, s); });
}

std::vector<array> Minimum::vjp(const std::vector<array>& primals,
                                const std::vector<array>& cotangents,
                                const std::vector<int>& argnums, const std::vector<array>&) {
  auto s = stream();
  return each_vjp(
      primals, argnums,
      [&](int arg) { return masked(select_mask(false, arg, primals, s), cotangents[0], s); }, s);
}

std::vector<array> Minimum::jvp(const std::vector<array>& primals,
                                const std::vector<array>& tangents,
                                const std::vector<int>& argnums) {
  auto s = stream();
  return {sum_partials(
      tangents, argnums,
      [&](int arg, const array& t) { return masked(select_mask(false, arg, primals, s), t, s); },
      binary_output_shape(primals), primals[0].dtype(), s)};
}

VmapResult Minimum::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto s = stream();
  return vmap_one(inputs, axes, s,
                  [s](const array& a, const array& b) { return minimum(a, b, s); });
}

// ---- ArcTan2, LogAddExp ----

// arctan2(y, x): d/dy = x / (x^2 + y^2), d/dx = -y / (x^2 + y^2).
namespace {
array arctan2_partial(const std::vector<array>& primals, int arg, const array& g,
                      const Stream& s) {
  const auto& y = primals[0];
  const auto& x = primals[1];
  auto r2 = add(square(y, s), square(x, s), s);
  auto num = arg == 0 ? multiply(x, g, s) : negative(multiply(y, g, s), s);
  return divide(num, r2, s);
}

// logaddexp(a, b): d/da = sigmoid(a - b), d/db = 1 - sigmoid(a - b) = sigmoid(b - a).
array logaddexp_partial(const std::vector<array>& primals, int arg, const array& g,
                        const Stream& s) {
  auto d = arg == 0 ? subtract(primals[0], primals[1], s) : subtract(primals[1], primals[0], s);
  return multiply(g, sigmoid(d, s), s);
}
} // namespace

std::vector<array> ArcTan2::vjp(const std::vector<array>& primals,
                                const std::vector<array>& cotangents,
                                const std::vector<int>& argnums, const std::vector<array>&) {
  auto s = stream();
  return each_vjp(
      primals, argnums, [&](int arg) { return arctan2_partial(primals, arg, cotangents[0], s); },
      s);
}

std::vector<array> ArcTan2::jvp(const std::vector<array>& primals,
                                const std::vector<array>& tangents,
                                const std::vector<int>& argnums) {
  auto s = stream();
  return {sum_partials(
      tangents, argnums,
      [&](int arg, const array& t) { return arctan2_partial(primals, arg, t, s); },
      binary_output_shape(primals), primals[0].dtype(), s)};
}

VmapResult ArcTan2::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto s = stream();
  return vmap_one(inputs, axes, s,
                  [s](const array& a, const array& b) { return arctan2(a, b, s); });
}

std::vector<array> LogAddExp::vjp(const std::vector<array>& primals,
                                  const std::vector<array>& cotangents,
                                  const std::vector<int>& argnums, const std::vector<array>&) {
  auto s = stream();
  return each_vjp(
      primals, argnums, [&](int arg) { return logaddexp_partial(primals, arg, cotangents[0], s); },
      s);
}

std::vector<array> LogAddExp::jvp(const std::vector<array>& primals,
                                  const std::vector<array>& tangents,
                                  const std::vector<int>& argnums) {
  auto s = stream();
  return {sum_partials(
      tangents, argnums,
      [&](int arg, const array& t) { return logaddexp_partial(primals, arg, t, s); },
      binary_output_shape(primals), primals[0].dtype(), s)};
}

VmapResult LogAddExp::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto s = stream();
  return vmap_one(inputs, axes, s,
                  [s](const array& a, const array& b) { return logaddexp(a, b, s); });
}

// ---- Select: where(condition, x, y) ----

std::vector<array> Select::vjp(const std::vector<array>& primals,
                               const std::vector<array>& cotangents,
                               const std::vector<int>& argnums, const std::vector<array>&) {
  auto s = stream();
  const auto& c = primals[0];
  const auto& g = cotangents[0];
  std::vector<array> vjps;
  for (int arg : argnums) {
    if (arg == 0) {
      vjps.push_back(zeros_like(c, s));
    } else {
      auto zero = scalar_like(0.0, g.dtype());
      auto picked = arg == 1 ? where(c, g, zero, s) : where(c, zero, g, s);
      vjps.push_back(to_primal(picked, primals, arg, s));
    }
  }
  return vjps;
}

std::vector<array> Select::jvp(const std::vector<array>& primals,
                               const std::vector<array>& tangents,
                               const std::vector<int>& argnums) {
  auto s = stream();
  const auto& c = primals[0];
  auto shape = binary_output_shape(primals);
  auto dtype = primals[1].dtype();
  std::optional<array> out;
  for (size_t i = 0; i < argnums.size(); ++i) {
    if (argnums[i] == 0) continue;
    const auto& t = tangents[i];
    auto zero = scalar_like(0.0, t.dtype());
    auto picked = argnums[i] == 1 ? where(c, t, zero, s) : where(c, zero, t, s);
    out = out ? add(*out, picked, s) : picked;
  }
  if (!out) return {zeros(shape, dtype, s)};
  return {to_output(*out, shape, dtype, s)};
}

VmapResult Select::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto s = stream();
  return vmap_elementwise(inputs, axes, s, [s](const std::vector<array>& x) {
    return std::vector<array>{where(x[0], x[1], x[2], s)};
  });
}

// ---- Comparisons, logical and bitwise ops: zero gradients ----

#define MLX_ZERO_GRAD_ELEMENTWISE(NAME, OP)                                                     \
  std::vector<array> NAME::vjp(const std::vector<array>& primals, const std::vector<array>&,   \
                               const std::vector<int>& argnums, const std::vector<array>&) {    \
    return zero_vjps(primals, argnums, stream());                                               \
  }                                                                                             \
  std::vector<array> NAME::jvp(const std::vector<array>& primals,                               \
                               const std::vector<array>& tangents, const std::vector<int>&) {   \
    return {zero_jvp(tangents, binary_output_shape(primals), stream())};                        \
  }                                                                                             \
  VmapResult NAME::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {       \
    auto s = stream();                                                                          \
    return vmap_one(inputs, axes, s, [s](const array& a, const array& b) { return OP(a, b, s); }); \
  }

MLX_ZERO_GRAD_ELEMENTWISE(NotEqual, not_equal)
MLX_ZERO_GRAD_ELEMENTWISE(Less, less)
MLX_ZERO_GRAD_ELEMENTWISE(LessEqual, less_equal)
MLX_ZERO_GRAD_ELEMENTWISE(Greater, greater)
MLX_ZERO_GRAD_ELEMENTWISE(GreaterEqual, greater_equal)
MLX_ZERO_GRAD_ELEMENTWISE(LogicalAnd, logical_and)
MLX_ZERO_GRAD_ELEMENTWISE(LogicalOr, logical_or)
#undef MLX_ZERO_GRAD_ELEMENTWISE

std::vector<array> Equal::vjp(const std::vector<array>& primals, const std::vector<array>&,
                              const std::vector<int>& argnums, const std::vector<array>&) {
  return zero_vjps(primals, argnums, stream());
}

std::vector<array> Equal::jvp(const std::vector<array>& primals,
                              const std::vector<array>& tangents, const std::vector<int>&) {
  return {zero_jvp(tangents, binary_output_shape(primals), stream())};
}

VmapResult Equal::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto s = stream();
  bool equal_nan = equal_nan_;
  return vmap_one(inputs, axes, s, [s, equal_nan](const array& a, const array& b) {
    if (!equal_nan) return equal(a, b, s);
    return array(binary_output_shape({a, b}), bool_, std::make_shared<Equal>(s, true), {a, b});
  });
}

std::vector<array> BitwiseBinary::vjp(const std::vector<array>& primals,
                                      const std::vector<array>&, const std::vector<int>& argnums,
                                      const std::vector<array>&) {
  return zero_vjps(primals, argnums, stream());
}

std::vector<array> BitwiseBinary::jvp(const std::vector<array>& primals,
                                      const std::vector<array>& tangents,
                                      const std::vector<int>&) {
  return {zero_jvp(tangents, binary_output_shape(primals), stream())};
}

VmapResult BitwiseBinary::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto s = stream();
  auto op = op_;
  // The inputs already have the result dtype (bool stays bool for and/or/xor).
  return vmap_one(inputs, axes, s, [s, op](const array& a, const array& b) {
    return array(binary_output_shape({a, b}), a.dtype(), std::make_shared<BitwiseBinary>(s, op),
                 {a, b});
  });
}

// ---- IsClose / AllClose, ArrayEqual: boolean results, zero gradients ----

std::vector<array> IsClose::vjp(const std::vector<array>& primals, const std::vector<array>&,
                                const std::vector<int>& argnums, const std::vector<array>&) {
  return zero_vjps(primals, argnums, stream());
}

std::vector<array> IsClose::jvp(const std::vector<array>& primals,
                                const std::vector<array>& tangents, const std::vector<int>&) {
  return {zero_jvp(tangents, output_shapes(primals)[0], stream())};
}

VmapResult IsClose::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto s = stream();
  auto [xs, ax] = align_mapped(inputs, axes, s);
  auto close = array(binary_output_shape(xs), bool_,
                     std::make_shared<IsClose>(s, rtol_, atol_, equal_nan_, false), xs);
  if (!reduce_) return {{close}, {ax}};
  // allclose per batch item: all over the item's axes.
  if (ax < 0) return {{all(close, false, s)}, {-1}};
  auto rest = other_axes(close, ax);
  return {{rest.empty() ? close : all(close, rest, false, s)}, {0}};
}

std::vector<array> ArrayEqual::vjp(const std::vector<array>& primals, const std::vector<array>&,
                                   const std::vector<int>& argnums, const std::vector<array>&) {
  return zero_vjps(primals, argnums, stream());
}

std::vector<array> ArrayEqual::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                                   const std::vector<int>&) {
  return {zero_jvp(tangents, Shape{}, stream())};
}

VmapResult ArrayEqual::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto s = stream();
  auto [xs, ax] = align_mapped(inputs, axes, s);
  // The items have one shape (the op checked it): elementwise equality, then
  // all over the item's axes.
  auto eq = array(binary_output_shape(xs), bool_, std::make_shared<Equal>(s, equal_nan_), xs);
  if (ax < 0) return {{all(eq, false, s)}, {-1}};
  auto rest = other_axes(eq, ax);
  return {{rest.empty() ? eq : all(eq, rest, false, s)}, {0}};
}

MLX_NO_GPU(Add)
MLX_NO_GPU(Subtract)
MLX_NO_GPU(Multiply)
MLX_NO_GPU(Divide)
MLX_NO_GPU(FloorDivide)
MLX_NO_GPU(Remainder)
MLX_NO_GPU(Power)
MLX_NO_GPU(Maximum)
MLX_NO_GPU(Minimum)
MLX_NO_GPU(ArcTan2)
MLX_NO_GPU(LogAddExp)
MLX_NO_GPU(Equal)
MLX_NO_GPU(NotEqual)
MLX_NO_GPU(Less)
MLX_NO_GPU(LessEqual)
MLX_NO_GPU(Greater)
MLX_NO_GPU(GreaterEqual)
MLX_NO_GPU(LogicalAnd)
MLX_NO_GPU(LogicalOr)
MLX_NO_GPU(BitwiseBinary)
MLX_NO_GPU(Select)
MLX_NO_GPU(IsClose)
MLX_NO_GPU(ArrayEqual)
MLX_NO_GPU_MULTI(DivMod)

} // namespace mlx::core
