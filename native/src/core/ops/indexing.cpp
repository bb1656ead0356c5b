#include "mlx/ops/indexing.h"

#include <sstream>

#include "mlx/ops/creation.h"
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

// The row-major elements of `a` as a 1-D array (a view when `a` is
// row-contiguous). A reshape, so gradients flow back through a reshape.
array flatten_all(const array& a, StreamOrDevice s) {
  if (a.ndim() == 1) return a;
  return reshape(a, {static_cast<int32_t>(a.size())}, s);
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

array scatter_add_axis(const array& a, const array& indices, const array& values, int axis,
                       StreamOrDevice s) {
  int ndim = static_cast<int>(a.ndim());
  int ax = normalize_axis(axis, ndim, "scatter_add_axis");
  check_indices(indices, "scatter_add_axis");
  if (static_cast<int>(indices.ndim()) != ndim) {
    std::ostringstream msg;
    msg << "[scatter_add_axis] Indices of dimension " << indices.ndim()
        << " does not match array of dimension " << ndim << ".";
    throw std::invalid_argument(msg.str());
  }
  array upd = values.dtype() == a.dtype() ? values : astype(values, a.dtype(), s);
  // Leading singleton dimensions beyond a's rank are dropped (values of
  // shape (1, ..., 1, *u) act as u).
  if (static_cast<int>(upd.ndim()) > ndim) {
    int extra = static_cast<int>(upd.ndim()) - ndim;
    for (int d = 0; d < extra; ++d) {
      if (upd.shape(d) != 1) {
        std::ostringstream msg;
        msg << "[scatter_add_axis] Values of shape " << shape_to_string(values.shape())
            << " cannot be broadcast to indices of shape " << shape_to_string(indices.shape())
            << ".";
        throw std::invalid_argument(msg.str());
      }
    }
    upd = reshape(upd, Shape(upd.shape().begin() + extra, upd.shape().end()), s);
  }
  Shape iu;
  try {
    iu = broadcast_shapes(indices.shape(), upd.shape());
  } catch (const std::invalid_argument&) {
    std::ostringstream msg;
    msg << "[scatter_add_axis] Values of shape " << shape_to_string(values.shape())
        << " cannot be broadcast to indices of shape " << shape_to_string(indices.shape())
        << ".";
    throw std::invalid_argument(msg.str());
  }
  // Every dimension but `axis` broadcasts between a and (indices, values).
  Shape src_shape = a.shape(), upd_shape = iu;
  for (int d = 0; d < ndim; ++d) {
    if (d == ax) continue;
    int x = a.shape(d), y = iu[d];
    if (x != y && x != 1 && y != 1) {
      std::ostringstream msg;
      msg << "[scatter_add_axis] Indices of shape " << shape_to_string(indices.shape())
          << " and values of shape " << shape_to_string(values.shape())
          << " cannot be broadcast with the array of shape " << shape_to_string(a.shape())
          << " outside axis " << ax << " (dimension " << d << ": " << y << " vs " << x << ").";
      throw std::invalid_argument(msg.str());
    }
    src_shape[d] = upd_shape[d] = std::max(x, y);
    if (x == 0 || y == 0) src_shape[d] = upd_shape[d] = 0;
  }
  size_t upd_size = 1;
  for (auto d : upd_shape) upd_size *= d;
  if (a.shape(ax) == 0 && upd_size != 0) {
    std::ostringstream msg;
    msg << "[scatter_add_axis] Cannot scatter into an empty axis: axis " << axis
        << " of the array of shape " << shape_to_string(a.shape()) << " has size 0.";
    throw std::invalid_argument(msg.str());
  }
  array src = src_shape == a.shape() ? a : broadcast_to(a, src_shape, s);
  if (upd.shape() != upd_shape) upd = broadcast_to(upd, upd_shape, s);
  auto dtype = a.dtype();
  return array(std::move(src_shape), dtype, std::make_shared<ScatterAddAxis>(to_stream(s), ax),
               {src, indices, upd});
}

} // namespace mlx::core
