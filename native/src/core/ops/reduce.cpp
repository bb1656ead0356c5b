// Reductions: validate the axes, work out the output dtype and shape, build the node.
#include "mlx/ops/reduce.h"

#include <numeric>
#include <optional>
#include <set>
#include <sstream>

#include "mlx/ops/creation.h"
#include "mlx/primitives/reduce.h"

namespace mlx::core {

namespace {

std::vector<int> all_axes(const array& a) {
  std::vector<int> axes(a.ndim());
  std::iota(axes.begin(), axes.end(), 0);
  return axes;
}

std::string axes_to_string(const std::vector<int>& axes) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < axes.size(); ++i) os << (i ? ", " : "") << axes[i];
  os << "]";
  return os.str();
}

struct ReducePlan {
  std::vector<int> axes; // sorted, non-negative
  Shape out_shape;       // with or without the reduced axes, as asked
};

// Checks the axes (range, duplicates) and works out the output shape. Ops without
// an identity (max, min) pass `no_identity` so that an empty reduced axis is an error.
ReducePlan plan_reduction(const char* op, const array& a, const std::vector<int>& axes,
                          bool keepdims, bool no_identity = false) {
  int ndim = static_cast<int>(a.ndim());
  std::set<int> set;
  for (int ax : axes) set.insert(normalize_axis(ax, ndim, op));
  if (set.size() != axes.size()) {
    std::ostringstream msg;
    msg << "[" << op << "] Duplicate axes detected in reduction, got axes "
        << axes_to_string(axes) << ".";
    throw std::invalid_argument(msg.str());
  }
  ReducePlan p;
  p.axes.assign(set.begin(), set.end());
  for (int i = 0; i < ndim; ++i) {
    if (set.count(i) == 0) {
      p.out_shape.push_back(a.shape(i));
      continue;
    }
    if (no_identity && a.shape(i) == 0) {
      std::ostringstream msg;
      msg << "[" << op << "] Cannot " << op << " reduce over axis " << i
          << " with size 0 (an array of shape " << shape_to_string(a.shape()) << ").";
      throw std::invalid_argument(msg.str());
    }
    if (keepdims) p.out_shape.push_back(1);
  }
  return p;
}

// The dtype of sum and prod: small integers and bool widen to 32 bits.
Dtype sum_dtype(Dtype t) {
  if (issubdtype(t, signedinteger)) return t.size() <= 4 ? int32 : int64;
  if (issubdtype(t, unsignedinteger)) return t.size() <= 4 ? uint32 : uint64;
  if (t == bool_) return int32;
  return t;
}

Dtype at_least_float(Dtype t) { return issubdtype(t, inexact) ? t : promote_types(t, float32); }

array reduce(const char* op, const array& a, const std::vector<int>& axes, bool keepdims,
             Reduce::ReduceType type, Dtype out_dtype, StreamOrDevice s) {
  bool no_identity = type == Reduce::Max || type == Reduce::Min;
  auto p = plan_reduction(op, a, axes, keepdims, no_identity);
  return array(std::move(p.out_shape), out_dtype,
               std::make_shared<Reduce>(to_stream(s), type, std::move(p.axes), keepdims), {a});
}

void check_not_complex(const char* op, const array& a) {
  if (a.dtype() == complex64) {
    std::ostringstream msg;
    msg << "[" << op << "] complex64 inputs are not supported yet, got an array of dtype "
        << a.dtype() << ".";
    throw std::invalid_argument(msg.str());
  }
}

} // namespace

// ---- all / any ----

array all(const array& a, bool keepdims, StreamOrDevice s) {
  return all(a, all_axes(a), keepdims, s);
}
array all(const array& a, const std::vector<int>& axes, bool keepdims, StreamOrDevice s) {
  if (axes.empty()) return astype(a, bool_, s);
  return reduce("all", a, axes, keepdims, Reduce::And, bool_, s);
}
array all(const array& a, int axis, bool keepdims, StreamOrDevice s) {
  return all(a, std::vector<int>{axis}, keepdims, s);
}

array any(const array& a, bool keepdims, StreamOrDevice s) {
  return any(a, all_axes(a), keepdims, s);
}
array any(const array& a, const std::vector<int>& axes, bool keepdims, StreamOrDevice s) {
  if (axes.empty()) return astype(a, bool_, s);
  return reduce("any", a, axes, keepdims, Reduce::Or, bool_, s);
}
array any(const array& a, int axis, bool keepdims, StreamOrDevice s) {
  return any(a, std::vector<int>{axis}, keepdims, s);
}

// ---- sum / prod ----

array sum(const array& a, bool keepdims, StreamOrDevice s) {
  return sum(a, all_axes(a), keepdims, s);
}
array sum(const array& a, const std::vector<int>& axes, bool keepdims, StreamOrDevice s) {
  if (axes.empty()) return a; // MLX: no axes, no reduction (and no cast)
  return reduce("sum", a, axes, keepdims, Reduce::Sum, sum_dtype(a.dtype()), s);
}
array sum(const array& a, int axis, bool keepdims, StreamOrDevice s) {
  return sum(a, std::vector<int>{axis}, keepdims, s);
}

array prod(const array& a, bool keepdims, StreamOrDevice s) {
  return prod(a, all_axes(a), keepdims, s);
}
array prod(const array& a, const std::vector<int>& axes, bool keepdims, StreamOrDevice s) {
  if (axes.empty()) return a;
  return reduce("prod", a, axes, keepdims, Reduce::Prod, sum_dtype(a.dtype()), s);
}
array prod(const array& a, int axis, bool keepdims, StreamOrDevice s) {
  return prod(a, std::vector<int>{axis}, keepdims, s);
}

// ---- max / min ----

array max(const array& a, bool keepdims, StreamOrDevice s) {
  return max(a, all_axes(a), keepdims, s);
}
array max(const array& a, const std::vector<int>& axes, bool keepdims, StreamOrDevice s) {
  if (axes.empty()) return a;
  return reduce("max", a, axes, keepdims, Reduce::Max, a.dtype(), s);
}
array max(const array& a, int axis, bool keepdims, StreamOrDevice s) {
  return max(a, std::vector<int>{axis}, keepdims, s);
}

array min(const array& a, bool keepdims, StreamOrDevice s) {
  return min(a, all_axes(a), keepdims, s);
}
array min(const array& a, const std::vector<int>& axes, bool keepdims, StreamOrDevice s) {
  if (axes.empty()) return a;
  return reduce("min", a, axes, keepdims, Reduce::Min, a.dtype(), s);
}
array min(const array& a, int axis, bool keepdims, StreamOrDevice s) {
  return min(a, std::vector<int>{axis}, keepdims, s);
}

// ---- mean / var / std ----

array mean(const array& a, bool keepdims, StreamOrDevice s) {
  return mean(a, all_axes(a), keepdims, s);
}
array mean(const array& a, const std::vector<int>& axes, bool keepdims, StreamOrDevice s) {
  auto p = plan_reduction("mean", a, axes, keepdims);
  auto dtype = at_least_float(a.dtype());
  if (axes.empty()) return astype(a, dtype, s);
  return array(std::move(p.out_shape), dtype,
               std::make_shared<Mean>(to_stream(s), std::move(p.axes), keepdims), {a});
}
array mean(const array& a, int axis, bool keepdims, StreamOrDevice s) {
  return mean(a, std::vector<int>{axis}, keepdims, s);
}

namespace {
array variance(const char* op, const array& a, const std::vector<int>& axes, bool keepdims,
               int ddof, bool is_std, StreamOrDevice s) {
  auto p = plan_reduction(op, a, axes, keepdims);
  check_not_complex(op, a);
  auto dtype = at_least_float(a.dtype());
  auto stream = to_stream(s);
  return array(std::move(p.out_shape), dtype,
               std::make_shared<Var>(stream, std::move(p.axes), keepdims, ddof, is_std),
               {astype(a, dtype, stream)});
}
} // namespace

array var(const array& a, bool keepdims, int ddof, StreamOrDevice s) {
  return var(a, all_axes(a), keepdims, ddof, s);
}
array var(const array& a, const std::vector<int>& axes, bool keepdims, int ddof,
          StreamOrDevice s) {
  return variance("var", a, axes, keepdims, ddof, false, s);
}
array var(const array& a, int axis, bool keepdims, int ddof, StreamOrDevice s) {
  return var(a, std::vector<int>{axis}, keepdims, ddof, s);
}

array std(const array& a, bool keepdims, int ddof, StreamOrDevice s) {
  return std(a, all_axes(a), keepdims, ddof, s);
}
array std(const array& a, const std::vector<int>& axes, bool keepdims, int ddof,
          StreamOrDevice s) {
  return variance("std", a, axes, keepdims, ddof, true, s);
}
array std(const array& a, int axis, bool keepdims, int ddof, StreamOrDevice s) {
  return std(a, std::vector<int>{axis}, keepdims, ddof, s);
}

// ---- logsumexp ----

array logsumexp(const array& a, bool keepdims, StreamOrDevice s) {
  return logsumexp(a, all_axes(a), keepdims, s);
}
array logsumexp(const array& a, const std::vector<int>& axes, bool keepdims,
                StreamOrDevice s) {
  if (a.size() == 0) {
    std::ostringstream msg;
    msg << "[logsumexp] Received empty array (shape " << shape_to_string(a.shape()) << ").";
    throw std::invalid_argument(msg.str());
  }
  auto p = plan_reduction("logsumexp", a, axes, keepdims);
  check_not_complex("logsumexp", a);
  auto dtype = at_least_float(a.dtype());
  auto stream = to_stream(s);
  return array(std::move(p.out_shape), dtype,
               std::make_shared<LogSumExp>(stream, std::move(p.axes), keepdims),
               {astype(a, dtype, stream)});
}
array logsumexp(const array& a, int axis, bool keepdims, StreamOrDevice s) {
  return logsumexp(a, std::vector<int>{axis}, keepdims, s);
}

// ---- argmax / argmin ----

namespace {
array arg_reduce(const char* op, const array& a, std::optional<int> axis, bool keepdims,
                 ArgReduce::ReduceType type, StreamOrDevice s) {
  int ndim = static_cast<int>(a.ndim());
  int ax = -1;
  Shape out_shape;
  if (axis) {
    ax = normalize_axis(*axis, ndim, op);
    out_shape = a.shape();
    if (keepdims) {
      out_shape[ax] = 1;
    } else {
      out_shape.erase(out_shape.begin() + ax);
    }
  } else if (keepdims) {
    out_shape = Shape(ndim, 1);
  }
  if (a.size() == 0) {
    std::ostringstream msg;
    msg << "[" << op << "] Cannot " << op << " reduce zero size array (shape "
        << shape_to_string(a.shape()) << ").";
    throw std::invalid_argument(msg.str());
  }
  return array(std::move(out_shape), uint32,
               std::make_shared<ArgReduce>(to_stream(s), type, ax, keepdims), {a});
}
} // namespace

array argmax(const array& a, bool keepdims, StreamOrDevice s) {
  return arg_reduce("argmax", a, std::nullopt, keepdims, ArgReduce::ArgMax, s);
}
array argmax(const array& a, int axis, bool keepdims, StreamOrDevice s) {
  return arg_reduce("argmax", a, axis, keepdims, ArgReduce::ArgMax, s);
}
array argmin(const array& a, bool keepdims, StreamOrDevice s) {
  return arg_reduce("argmin", a, std::nullopt, keepdims, ArgReduce::ArgMin, s);
}
array argmin(const array& a, int axis, bool keepdims, StreamOrDevice s) {
  return arg_reduce("argmin", a, axis, keepdims, ArgReduce::ArgMin, s);
}

} // namespace mlx::core
