// Transform rules and device fallbacks of the reduce primitives.
#include "mlx/primitives/reduce.h"

#include <cstdint>

#include "mlx/ops.h"

namespace mlx::core {

std::vector<Shape> AxesReduction::output_shapes(const std::vector<array>& inputs) {
  const auto& in = inputs[0].shape();
  Shape out;
  size_t j = 0;
  for (int i = 0; i < static_cast<int>(in.size()); ++i) {
    if (j < axes_.size() && axes_[j] == i) {
      ++j;
      if (keepdims_) out.push_back(1);
    } else {
      out.push_back(in[i]);
    }
  }
  return {out};
}

const char* Reduce::name() const {
  switch (type_) {
    case And: return "All";
    case Or: return "Any";
    case Sum: return "Sum";
    case Prod: return "Prod";
    case Min: return "Min";
    case Max: return "Max";
  }
  return "Reduce";
}

bool Reduce::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const Reduce*>(&other);
  return o && o->type_ == type_ && same_axes(*o);
}

bool Mean::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const Mean*>(&other);
  return o && same_axes(*o);
}

bool Var::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const Var*>(&other);
  return o && same_axes(*o) && o->ddof_ == ddof_ && o->is_std_ == is_std_;
}

bool LogSumExp::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const LogSumExp*>(&other);
  return o && same_axes(*o);
}

bool ArgReduce::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const ArgReduce*>(&other);
  return o && o->type_ == type_ && o->axis_ == axis_ && o->keepdims_ == keepdims_;
}

std::vector<Shape> ArgReduce::output_shapes(const std::vector<array>& inputs) {
  const auto& in = inputs[0].shape();
  if (axis_ < 0) return {keepdims_ ? Shape(in.size(), 1) : Shape{}};
  Shape out = in;
  if (keepdims_) {
    out[axis_] = 1;
  } else {
    out.erase(out.begin() + axis_);
  }
  return {out};
}

// ======================= transformation rules =======================

namespace {

using VmapResult = std::pair<std::vector<array>, std::vector<int>>;

array as_dtype(const array& x, Dtype dtype, const Stream& s) {
  return x.dtype() == dtype ? x : astype(x, dtype, s);
}

// `x` (shaped like the reduction's output) with the reduced axes as size-1
// dimensions, so that it broadcasts against the input.
array kept(const array& x, const std::vector<int>& axes, bool keepdims, const Stream& s) {
  return keepdims ? x : expand_dims(x, axes, s);
}

// prod's output dtype (sum's rule): bool and small integers widen to 32 bits.
Dtype prod_dtype(Dtype t) {
  if (issubdtype(t, signedinteger)) return t.size() <= 4 ? int32 : int64;
  if (issubdtype(t, unsignedinteger)) return t.size() <= 4 ? uint32 : uint64;
  if (t == bool_) return int32;
  return t;
}

// The number of elements each output element reduces.
int64_t reduced_count(const array& in, const std::vector<int>& axes) {
  int64_t n = 1;
  for (int ax : axes) n *= in.shape(ax);
  return n;
}

// The reduced axes of a batched input whose mapped axis is `ax` (-1: not
// mapped), and the mapped axis of the output.
struct MappedAxes {
  std::vector<int> axes;
  int out_axis;
};

MappedAxes map_axes(const std::vector<int>& axes, int ax, bool keepdims) {
  if (ax < 0) return {axes, -1};
  MappedAxes m{{}, ax};
  for (int a : axes) {
    if (a >= ax) {
      m.axes.push_back(a + 1);
    } else {
      m.axes.push_back(a);
      if (!keepdims) --m.out_axis;
    }
  }
  return m;
}

// `x` shifted by `d` along `axis` with ones filling the vacated positions:
// forward, out[i] = x[i - d]; backward, out[i] = x[i + d].
array shift_in_ones(const array& x, int axis, int64_t d, bool forward, const Stream& s) {
  int n = x.shape(axis);
  int di = static_cast<int>(d);
  Shape fill_shape = x.shape();
  fill_shape[axis] = di;
  array fill = ones(fill_shape, x.dtype(), s);
  Shape start(x.ndim(), 0), stop = x.shape();
  if (forward) {
    stop[axis] = n - di;
    return concatenate({fill, slice(x, start, stop, s)}, axis, s);
  }
  start[axis] = di;
  return concatenate({slice(x, start, stop, s), fill}, axis, s);
}

// The exclusive cumulative product along `axis`: of the elements before each
// one (forward) or after it (backward). A log-depth (Hillis-Steele) scan of
// multiplies, so zeros need no special care and the result stays
// differentiable everywhere.
array exclusive_cumprod(const array& x, int axis, bool forward, const Stream& s) {
  int64_t n = x.shape(axis);
  array y = shift_in_ones(x, axis, 1, forward, s);
  for (int64_t d = 1; d < n; d *= 2) y = multiply(y, shift_in_ones(y, axis, d, forward, s), s);
  return y;
}

// For each element of `x`, the product of the other elements of its
// reduction group (the elements sharing its position off `axes`), as MLX
// computes it: the product of the exclusive prefix and suffix products.
array product_of_others(const array& x, const std::vector<int>& axes, const Stream& s) {
  if (x.size() == 0) return zeros_like(x, s);
  if (axes.size() == 1) {
    int ax = axes[0];
    return multiply(exclusive_cumprod(x, ax, true, s), exclusive_cumprod(x, ax, false, s), s);
  }
  // Several axes: move them to the back and flatten them into one.
  std::vector<int> perm;
  Shape flat;
  size_t j = 0;
  for (int i = 0; i < static_cast<int>(x.ndim()); ++i) {
    if (j < axes.size() && axes[j] == i) {
      ++j;
    } else {
      perm.push_back(i);
      flat.push_back(x.shape(i));
    }
  }
  perm.insert(perm.end(), axes.begin(), axes.end());
  flat.push_back(static_cast<int>(reduced_count(x, axes)));
  std::vector<int> inverse(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) inverse[perm[i]] = static_cast<int>(i);
  array t = transpose(x, perm, s);
  Shape moved = t.shape();
  int last = static_cast<int>(flat.size()) - 1;
  array r = reshape(t, flat, s);
  r = multiply(exclusive_cumprod(r, last, true, s), exclusive_cumprod(r, last, false, s), s);
  return transpose(reshape(r, moved, s), inverse, s);
}

// Where `in` equals its reduction `out` (given with the reduced axes kept),
// and how many elements of each group do: max and min share the gradient
// evenly among ties, as MLX does.
std::pair<array, array> extremum_mask(const array& in, const array& out_kept,
                                      const std::vector<int>& axes, const Stream& s) {
  array mask = equal(in, out_kept, s);
  return {mask, sum(mask, axes, true, s)};
}

} // namespace

// ---- Reduce ----

std::vector<array> Reduce::vjp(const std::vector<array>& primals,
                               const std::vector<array>& cotangents, const std::vector<int>&,
                               const std::vector<array>& outputs) {
  const auto& in = primals[0];
  auto s = stream();
  const auto& ax = axes();
  array cot = kept(cotangents[0], ax, keepdims(), s);
  switch (type_) {
    case Sum:
      return {as_dtype(broadcast_to(cot, in.shape(), s), in.dtype(), s)};
    case Prod: {
      // Computed in the output's dtype (integers widen as prod widens them).
      array others = product_of_others(as_dtype(in, outputs[0].dtype(), s), ax, s);
      return {as_dtype(multiply(others, cot, s), in.dtype(), s)};
    }
    case Max:
    case Min: {
      auto [mask, count] = extremum_mask(in, kept(outputs[0], ax, keepdims(), s), ax, s);
      return {as_dtype(multiply(divide(cot, count, s), mask, s), in.dtype(), s)};
    }
    case And:
    case Or:
      break;
  }
  return {zeros_like(in, s)};
}

std::vector<array> Reduce::jvp(const std::vector<array>& primals,
                               const std::vector<array>& tangents, const std::vector<int>&) {
  const auto& in = primals[0];
  const auto& t = tangents[0];
  auto s = stream();
  const auto& ax = axes();
  bool kd = keepdims();
  switch (type_) {
    case Sum:
      return {sum(t, ax, kd, s)};
    case Prod: {
      array others = product_of_others(as_dtype(in, prod_dtype(in.dtype()), s), ax, s);
      return {sum(multiply(others, t, s), ax, kd, s)};
    }
    case Max:
    case Min: {
      // The mean of the tangents over the ties: the transpose of the vjp.
      array out = type_ == Max ? max(in, ax, true, s) : min(in, ax, true, s);
      auto [mask, count] = extremum_mask(in, out, ax, s);
      array r = divide(sum(multiply(t, mask, s), ax, kd, s), kd ? count : squeeze(count, ax, s), s);
      return {as_dtype(r, in.dtype(), s)};
    }
    case And:
    case Or:
      break;
  }
  return {zeros(output_shapes(primals)[0], bool_, s)};
}

VmapResult Reduce::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  const auto& in = inputs[0];
  auto s = stream();
  auto m = map_axes(this->axes(), axes[0], keepdims());
  bool kd = keepdims();
  switch (type_) {
    case And: return {{all(in, m.axes, kd, s)}, {m.out_axis}};
    case Or: return {{any(in, m.axes, kd, s)}, {m.out_axis}};
    case Sum: return {{sum(in, m.axes, kd, s)}, {m.out_axis}};
    case Prod: return {{prod(in, m.axes, kd, s)}, {m.out_axis}};
    case Min: return {{min(in, m.axes, kd, s)}, {m.out_axis}};
    case Max: return {{max(in, m.axes, kd, s)}, {m.out_axis}};
  }
  throw std::logic_error("[Reduce] Unknown reduction type.");
}

// ---- Mean ----

std::vector<array> Mean::vjp(const std::vector<array>& primals,
                             const std::vector<array>& cotangents, const std::vector<int>&,
                             const std::vector<array>&) {
  const auto& in = primals[0];
  auto s = stream();
  array cot = kept(cotangents[0], axes(), keepdims(), s);
  double n = static_cast<double>(reduced_count(in, axes()));
  array g = multiply(broadcast_to(cot, in.shape(), s), array(1.0 / n, cot.dtype()), s);
  return {as_dtype(g, in.dtype(), s)};
}

std::vector<array> Mean::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                             const std::vector<int>&) {
  return {mean(tangents[0], axes(), keepdims(), stream())};
}

VmapResult Mean::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto m = map_axes(this->axes(), axes[0], keepdims());
  return {{mean(inputs[0], m.axes, keepdims(), stream())}, {m.out_axis}};
}

// ---- Var / Std ----
//
// var = sum((x - mean)^2) / d with d = max(N - ddof, 0); its derivative is
// 2 (x - mean) / d (the mean's own dependence on x cancels, as the deviations
// sum to zero); std's is (x - mean) / (d * std).

std::vector<array> Var::vjp(const std::vector<array>& primals,
                            const std::vector<array>& cotangents, const std::vector<int>&,
                            const std::vector<array>& outputs) {
  const auto& in = primals[0];
  auto s = stream();
  const auto& ax = axes();
  array cot = kept(cotangents[0], ax, keepdims(), s);
  array dev = subtract(in, mean(in, ax, true, s), s);
  double d = static_cast<double>(std::max<int64_t>(reduced_count(in, ax) - ddof_, 0));
  array scale = is_std_
                    ? divide(cot, multiply(kept(outputs[0], ax, keepdims(), s), array(d, in.dtype()), s), s)
                    : multiply(cot, array(2.0 / d, in.dtype()), s);
  return {as_dtype(multiply(scale, dev, s), in.dtype(), s)};
}

std::vector<array> Var::jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                            const std::vector<int>&) {
  const auto& in = primals[0];
  auto s = stream();
  const auto& ax = axes();
  bool kd = keepdims();
  array dev = subtract(in, mean(in, ax, true, s), s);
  array dot = sum(multiply(tangents[0], dev, s), ax, kd, s);
  double d = static_cast<double>(std::max<int64_t>(reduced_count(in, ax) - ddof_, 0));
  if (is_std_) {
    array sd = std(in, ax, kd, ddof_, s);
    return {as_dtype(divide(dot, multiply(sd, array(d, in.dtype()), s), s), in.dtype(), s)};
  }
  return {as_dtype(multiply(dot, array(2.0 / d, in.dtype()), s), in.dtype(), s)};
}

VmapResult Var::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto m = map_axes(this->axes(), axes[0], keepdims());
  auto s = stream();
  array out = is_std_ ? std(inputs[0], m.axes, keepdims(), ddof_, s)
                      : var(inputs[0], m.axes, keepdims(), ddof_, s);
  return {{out}, {m.out_axis}};
}

// ---- LogSumExp ----
//
// The derivative is the softmax over the reduced axes, computed as MLX's
// softmax is: shifted by the (constant) maximum, then normalized. More
// accurate than exp(x - logsumexp(x)), whose rounding of the output grows
// with its magnitude.

namespace {
array softmax_over(const array& x, const std::vector<int>& axes, const Stream& s) {
  array m = stop_gradient(max(x, axes, true, s), s);
  array e = exp(subtract(x, m, s), s);
  return divide(e, sum(e, axes, true, s), s);
}
} // namespace

std::vector<array> LogSumExp::vjp(const std::vector<array>& primals,
                                  const std::vector<array>& cotangents, const std::vector<int>&,
                                  const std::vector<array>&) {
  const auto& in = primals[0];
  auto s = stream();
  array cot = kept(cotangents[0], axes(), keepdims(), s);
  return {as_dtype(multiply(cot, softmax_over(in, axes(), s), s), in.dtype(), s)};
}

std::vector<array> LogSumExp::jvp(const std::vector<array>& primals,
                                  const std::vector<array>& tangents, const std::vector<int>&) {
  const auto& in = primals[0];
  auto s = stream();
  array r = sum(multiply(tangents[0], softmax_over(in, axes(), s), s), axes(), keepdims(), s);
  return {as_dtype(r, in.dtype(), s)};
}

VmapResult LogSumExp::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  const auto& in = inputs[0];
  auto m = map_axes(this->axes(), axes[0], keepdims());
  // Built directly: the op would reject an empty batch.
  auto prim = std::make_shared<LogSumExp>(stream(), m.axes, keepdims());
  auto shape = prim->output_shapes({in})[0];
  return {{array(std::move(shape), in.dtype(), std::move(prim), {in})}, {m.out_axis}};
}

// ---- ArgReduce ----

std::vector<array> ArgReduce::vjp(const std::vector<array>& primals, const std::vector<array>&,
                                  const std::vector<int>&, const std::vector<array>&) {
  return {zeros_like(primals[0], stream())};
}

std::vector<array> ArgReduce::jvp(const std::vector<array>& primals, const std::vector<array>&,
                                  const std::vector<int>&) {
  return {zeros(output_shapes(primals)[0], uint32, stream())};
}

VmapResult ArgReduce::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto s = stream();
  int ax = axes[0];
  // Built directly: the ops reject empty arrays (an empty batch here).
  auto node = [&](const array& x, int axis, bool keepdims) {
    auto prim = std::make_shared<ArgReduce>(s, type_, axis, keepdims);
    auto shape = prim->output_shapes({x})[0];
    return array(std::move(shape), uint32, std::move(prim), {x});
  };
  const auto& in = inputs[0];
  if (ax < 0) return {{node(in, axis_, keepdims_)}, {-1}};
  if (axis_ >= 0) {
    int axis = axis_ + (axis_ >= ax ? 1 : 0);
    int out_axis = ax - (!keepdims_ && axis_ < ax ? 1 : 0);
    return {{node(in, axis, keepdims_)}, {out_axis}};
  }
  // Over each flattened item: the batch in front, the item flattened row-major.
  array x = ax == 0 ? in : moveaxis(in, ax, 0, s);
  int batch = x.shape(0);
  int64_t item = 1;
  for (size_t i = 1; i < x.ndim(); ++i) item *= x.shape(i);
  x = reshape(x, {batch, static_cast<int>(item)}, s);
  array r = node(x, 1, false);
  if (keepdims_) {
    Shape shape(in.ndim(), 1);
    shape[0] = batch;
    r = reshape(r, std::move(shape), s);
  }
  return {{r}, {0}};
}

MLX_NO_GPU(Reduce)
MLX_NO_GPU(Mean)
MLX_NO_GPU(Var)
MLX_NO_GPU(LogSumExp)
MLX_NO_GPU(ArgReduce)

} // namespace mlx::core
