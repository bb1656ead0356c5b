#include "mlx/ops/indexing.h"

#include <sstream>

#include "mlx/ops/shape.h"
#include "mlx/primitives/indexing.h"

namespace mlx::core {

namespace {

void check_indices(const array& indices, const char* op) {
  if (!issubdtype(indices.dtype(), integer)) {
    std::ostringstream msg;
    msg << "[" << op << "] Got indices with invalid dtype " << indices.dtype()
        << ". Indices must be integral.";
    throw std::invalid_argument(msg.str());
  }
}

// The row-major elements of `a` as a 1-D array (a view when `a` is row-contiguous).
array flatten_all(const array& a, StreamOrDevice s) {
  if (a.ndim() == 1) return a;
  return as_strided(a, {static_cast<int32_t>(a.size())}, {1}, 0, s);
}

} // namespace

array take(const array& a, const array& indices, int axis, StreamOrDevice s) {
  int ax = normalize_axis(axis, static_cast<int>(a.ndim()), "take");
  check_indices(indices, "take");
  if (a.shape(ax) == 0 && indices.size() != 0) {
    std::ostringstream msg;
    msg << "[take] Cannot do a non-empty take from an empty axis: axis " << axis
        << " of the array of shape " << shape_to_string(a.shape()) << " has size 0.";
    throw std::invalid_argument(msg.str());
  }
  Shape out_shape(a.shape().begin(), a.shape().begin() + ax);
  out_shape.insert(out_shape.end(), indices.shape().begin(), indices.shape().end());
  out_shape.insert(out_shape.end(), a.shape().begin() + ax + 1, a.shape().end());
  auto dtype = a.dtype();
  return array(std::move(out_shape), dtype, std::make_shared<Take>(to_stream(s), ax),
               {a, indices});
}

array take(const array& a, const array& indices, StreamOrDevice s) {
  check_indices(indices, "take");
  if (a.size() == 0 && indices.size() != 0) {
    throw std::invalid_argument(
        "[take] Cannot do a non-empty take from an array with zero elements.");
  }
  return take(flatten_all(a, s), indices, 0, s);
}

array take(const array& a, int index, int axis, StreamOrDevice s) {
  int ax = normalize_axis(axis, static_cast<int>(a.ndim()), "take");
  int n = a.shape(ax);
  if (index < -n || index >= n) {
    std::ostringstream msg;
    msg << "[take] Index " << index << " is out of bounds for axis " << axis << " with size "
        << n << ".";
    throw std::invalid_argument(msg.str());
  }
  return take(a, array(index, int32), ax, s);
}

array take(const array& a, int index, StreamOrDevice s) {
  int64_t n = static_cast<int64_t>(a.size());
  if (index < -n || index >= n) {
    std::ostringstream msg;
    msg << "[take] Index " << index << " is out of bounds for the flattened array of size " << n
        << ".";
    throw std::invalid_argument(msg.str());
  }
  return take(flatten_all(a, s), array(index, int32), 0, s);
}

Shape take_along_axis_shape(const Shape& a, const Shape& indices, int axis) {
  Shape out(a.size());
  for (size_t d = 0; d < a.size(); ++d) {
    if (static_cast<int>(d) == axis) {
      out[d] = indices[d];
    } else {
      out[d] = a[d] == 1 ? indices[d] : a[d];
    }
  }
  return out;
}

array take_along_axis(const array& a, const array& indices, int axis, StreamOrDevice s) {
  int ndim = static_cast<int>(a.ndim());
  int ax = normalize_axis(axis, ndim, "take_along_axis");
  check_indices(indices, "take_along_axis");
  if (static_cast<int>(indices.ndim()) != ndim) {
    std::ostringstream msg;
    msg << "[take_along_axis] Indices of dimension " << indices.ndim()
        << " does not match array of dimension " << ndim << ".";
    throw std::invalid_argument(msg.str());
  }
  for (int d = 0; d < ndim; ++d) {
    if (d == ax) continue;
    int x = a.shape(d), y = indices.shape(d);
    if (x != y && x != 1 && y != 1) {
      std::ostringstream msg;
      msg << "[take_along_axis] Indices of shape " << shape_to_string(indices.shape())
          << " cannot be broadcast with the array of shape " << shape_to_string(a.shape())
          << " outside axis " << ax << " (dimension " << d << ": " << y << " vs " << x << ").";
      throw std::invalid_argument(msg.str());
    }
  }
  auto out_shape = take_along_axis_shape(a.shape(), indices.shape(), ax);
  size_t out_size = 1;
  for (auto d : out_shape) out_size *= d;
  if (a.shape(ax) == 0 && out_size != 0) {
    std::ostringstream msg;
    msg << "[take_along_axis] Cannot do a non-empty take from an empty axis: axis " << axis
        << " of the array of shape " << shape_to_string(a.shape()) << " has size 0.";
    throw std::invalid_argument(msg.str());
  }
  auto dtype = a.dtype();
  return array(std::move(out_shape), dtype, std::make_shared<GatherAxis>(to_stream(s), ax),
               {a, indices});
}

array take_along_axis(const array& a, const array& indices, StreamOrDevice s) {
  check_indices(indices, "take_along_axis");
  if (indices.ndim() != 1) {
    std::ostringstream msg;
    msg << "[take_along_axis] Indices of dimension " << indices.ndim()
        << " does not match array of dimension 1 (the flattened array; axis is None).";
    throw std::invalid_argument(msg.str());
  }
  return take_along_axis(flatten_all(a, s), indices, 0, s);
}

} // namespace mlx::core
