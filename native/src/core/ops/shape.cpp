#include "mlx/ops/shape.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <set>
#include <sstream>

#include "mlx/ops/creation.h"
#include "mlx/primitives/shape.h"

namespace mlx::core {

namespace {

[[noreturn]] void fail(const std::ostringstream& msg) { throw std::invalid_argument(msg.str()); }

std::string ints_to_string(const std::vector<int>& v) {
  return shape_to_string(Shape(v.begin(), v.end()));
}

} // namespace

array as_strided(array a, Shape shape, Strides strides, size_t offset, StreamOrDevice s) {
  if (shape.size() != strides.size()) {
    std::ostringstream msg;
    msg << "[as_strided] Shape " << shape_to_string(shape) << " and " << strides.size()
        << " strides do not match: expected one stride per dimension.";
    throw std::invalid_argument(msg.str());
  }
  // The furthest element reached must lie inside the input.
  int64_t lo = static_cast<int64_t>(offset), hi = static_cast<int64_t>(offset);
  size_t n = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] < 0) throw std::invalid_argument("[as_strided] Negative dimensions are not allowed.");
    n *= shape[i];
    int64_t reach = static_cast<int64_t>(shape[i] - 1) * strides[i];
    (reach < 0 ? lo : hi) += reach;
  }
  if (n > 0 && (lo < 0 || hi >= static_cast<int64_t>(a.size()))) {
    std::ostringstream msg;
    msg << "[as_strided] The view reaches elements [" << lo << ", " << hi
        << "] outside the input's " << a.size() << " elements.";
    throw std::invalid_argument(msg.str());
  }
  auto dtype = a.dtype();
  auto out_shape = shape;
  return array(std::move(out_shape), dtype,
               std::make_shared<AsStrided>(to_stream(s), std::move(shape), std::move(strides),
                                           static_cast<int64_t>(offset)),
               {std::move(a)});
}

// ---- reshape family ----

array reshape(const array& a, Shape shape, StreamOrDevice s) {
  if (a.shape() == shape) return a;
  auto out_shape = Reshape::output_shape(a, shape);
  if (out_shape == a.shape()) return a;
  return array(std::move(out_shape), a.dtype(),
               std::make_shared<Reshape>(to_stream(s), std::move(shape)), {a});
}

array flatten(const array& a, int start_axis, int end_axis, StreamOrDevice s) {
  int ndim = static_cast<int>(a.ndim());
  if (ndim == 0) return reshape(a, {1}, s);
  int start = start_axis + (start_axis < 0 ? ndim : 0);
  int end = end_axis + (end_axis < 0 ? ndim : 0);
  start = std::max(0, start);
  end = std::min(ndim - 1, end);
  if (end < start) {
    std::ostringstream msg;
    msg << "[flatten] start_axis must be less than or equal to end_axis, got start_axis "
        << start_axis << " and end_axis " << end_axis << " for array with " << ndim
        << " dimensions.";
    fail(msg);
  }
  if (start >= ndim) {
    std::ostringstream msg;
    msg << "[flatten] Invalid start_axis " << start_axis << " for array with " << ndim
        << " dimensions.";
    fail(msg);
  }
  if (end < 0) {
    std::ostringstream msg;
    msg << "[flatten] Invalid end_axis " << end_axis << " for array with " << ndim
        << " dimensions.";
    fail(msg);
  }
  if (start == end) return a;
  return array(Flatten::output_shape(a, start, end), a.dtype(),
               std::make_shared<Flatten>(to_stream(s), start, end), {a});
}

array flatten(const array& a, StreamOrDevice s) {
  return flatten(a, 0, static_cast<int>(a.ndim()) - 1, s);
}

array unflatten(const array& a, int axis, Shape shape, StreamOrDevice s) {
  if (shape.empty()) {
    throw std::invalid_argument("[unflatten] Shape to unflatten to cannot be empty.");
  }
  int ndim = static_cast<int>(a.ndim());
  int ax = axis < 0 ? axis + ndim : axis;
  if (ax < 0 || ax >= ndim) {
    std::ostringstream msg;
    msg << "[unflatten] Invalid axis " << axis << " for array with " << ndim << " dimensions.";
    fail(msg);
  }
  int64_t size = 1;
  int infer = -1;
  for (int i = 0; i < static_cast<int>(shape.size()); ++i) {
    if (shape[i] == -1) {
      if (infer >= 0) throw std::invalid_argument("[unflatten] Can only infer one dimension.");
      infer = i;
    } else if (shape[i] < 0) {
      std::ostringstream msg;
      msg << "[unflatten] Invalid dimension " << shape[i] << " in shape "
          << shape_to_string(shape) << ": only -1 (inferred) may be negative.";
      fail(msg);
    } else {
      size = std::min<int64_t>(size * shape[i], int64_t{1} << 40);
    }
  }
  int64_t n = a.shape(ax);
  if (infer >= 0) {
    if (size == 0) {
      std::ostringstream msg;
      msg << "[unflatten] Cannot infer the -1 dimension of shape " << shape_to_string(shape)
          << " when another dimension is 0.";
      fail(msg);
    }
    shape[infer] = static_cast<int32_t>(n / size);
    size *= shape[infer];
  }
  if (size != n) {
    std::ostringstream msg;
    msg << "[unflatten] Cannot unflatten axis " << axis << " with size " << n
        << " into shape " << shape_to_string(shape) << ".";
    fail(msg);
  }
  if (shape.size() == 1) return a;
  auto out_shape = Unflatten::output_shape(a, ax, shape);
  return array(std::move(out_shape), a.dtype(),
               std::make_shared<Unflatten>(to_stream(s), ax, std::move(shape)), {a});
}

// ---- squeeze / expand_dims ----

namespace {

std::vector<int> normalize_squeeze_axes(const array& a, const std::vector<int>& axes) {
  int ndim = static_cast<int>(a.ndim());
  std::set<int> unique;
  for (auto ax : axes) {
    int n = normalize_axis(ax, ndim, "squeeze");
    if (a.shape(n) != 1) {
      std::ostringstream msg;
      msg << "[squeeze] Cannot squeeze axis " << ax << " with size " << a.shape(n)
          << " which is not equal to 1.";
      fail(msg);
    }
    unique.insert(n);
  }
  if (unique.size() != axes.size()) {
    throw std::invalid_argument("[squeeze] Received duplicate axes.");
  }
  return std::vector<int>(unique.begin(), unique.end());
}

array squeeze_impl(const array& a, std::vector<int> axes, StreamOrDevice s) {
  if (axes.empty()) return a;
  auto shape = Squeeze::output_shape(a, axes);
  return array(std::move(shape), a.dtype(), std::make_shared<Squeeze>(to_stream(s), std::move(axes)),
               {a});
}

std::vector<int> normalize_expand_dims_axes(const array& a, const std::vector<int>& axes) {
  int out_ndim = static_cast<int>(a.ndim() + axes.size());
  std::set<int> unique;
  for (auto ax : axes) unique.insert(normalize_axis(ax, out_ndim, "expand_dims"));
  if (unique.size() != axes.size()) {
    throw std::invalid_argument("[expand_dims] Received duplicate axes.");
  }
  return std::vector<int>(unique.begin(), unique.end());
}

array expand_dims_impl(const array& a, std::vector<int> axes, StreamOrDevice s) {
  if (axes.empty()) return a;
  auto shape = ExpandDims::output_shape(a, axes);
  return array(std::move(shape), a.dtype(),
               std::make_shared<ExpandDims>(to_stream(s), std::move(axes)), {a});
}

} // namespace

array squeeze(const array& a, const std::vector<int>& axes, StreamOrDevice s) {
  return squeeze_impl(a, normalize_squeeze_axes(a, axes), s);
}

array squeeze(const array& a, int axis, StreamOrDevice s) {
  return squeeze_impl(a, normalize_squeeze_axes(a, {axis}), s);
}

array squeeze(const array& a, StreamOrDevice s) {
  std::vector<int> axes;
  for (int i = 0; i < static_cast<int>(a.ndim()); ++i) {
    if (a.shape(i) == 1) axes.push_back(i);
  }
  return squeeze_impl(a, std::move(axes), s);
}

array expand_dims(const array& a, const std::vector<int>& axes, StreamOrDevice s) {
  return expand_dims_impl(a, normalize_expand_dims_axes(a, axes), s);
}

array expand_dims(const array& a, int axis, StreamOrDevice s) {
  return expand_dims_impl(a, normalize_expand_dims_axes(a, {axis}), s);
}

// ---- slicing ----

namespace {

// Python's slice rules per axis: normalizes `start` into range, computes the
// output shape; returns whether any stride is negative. `stop` becomes the
// canonical exclusive end of the view (so that slicing with the normalized
// parameters again, as the transforms do, gives the same view); axes of
// length 0 become 0:0:1 and axes of length 1 get stride 1.
bool normalize_slice(const Shape& shape, Shape& start, Shape& stop, Shape& strides,
                     Shape& out_shape) {
  bool neg = false;
  out_shape.assign(shape.size(), 0);
  for (size_t i = 0; i < shape.size(); ++i) {
    int64_t n = shape[i];
    int64_t st = start[i] < 0 ? int64_t{start[i]} + n : start[i];
    int64_t ed = stop[i] < 0 ? int64_t{stop[i]} + n : stop[i];
    int64_t step = strides[i];
    int64_t len;
    if (step < 0) {
      neg = true;
      st = std::min(st, n - 1);
      ed = std::max<int64_t>(ed, -1);
      if (ed > st) ed = st;
      len = (st - ed + (-step) - 1) / (-step);
    } else {
      st = std::clamp<int64_t>(st, 0, n);
      ed = std::clamp<int64_t>(ed, 0, n);
      if (ed < st) ed = st;
      len = (ed - st + step - 1) / step;
    }
    out_shape[i] = static_cast<int32_t>(len);
    if (len == 0) {
      st = 0;
      ed = 0;
      step = 1;
    } else if (len == 1) {
      ed = st + 1;
      step = 1; // an unused stride
    } else if (step > 0) {
      ed = std::min(st + len * step, n);
    } else {
      ed = st + len * step;
      if (ed < 0) ed = -n - 1; // runs through index 0
    }
    start[i] = static_cast<int32_t>(st);
    stop[i] = static_cast<int32_t>(ed);
    strides[i] = static_cast<int32_t>(step);
  }
  return neg;
}

} // namespace

array slice(const array& a, Shape start, Shape stop, Shape strides, StreamOrDevice s) {
  if (start.size() != a.ndim() || stop.size() != a.ndim() || strides.size() != a.ndim()) {
    std::ostringstream msg;
    msg << "[slice] Invalid number of indices or strides for array with dimension " << a.ndim()
        << ": got " << start.size() << " start, " << stop.size() << " stop and "
        << strides.size() << " stride values.";
    fail(msg);
  }
  for (auto st : strides) {
    if (st == 0) throw std::invalid_argument("[slice] Slice strides cannot be zero.");
  }
  Shape out_shape;
  bool neg = normalize_slice(a.shape(), start, stop, strides, out_shape);
  if (!neg && out_shape == a.shape()) return a;
  return array(std::move(out_shape), a.dtype(),
               std::make_shared<Slice>(to_stream(s), std::move(start), std::move(stop),
                                       std::move(strides)),
               {a});
}

array slice(const array& a, Shape start, Shape stop, StreamOrDevice s) {
  Shape strides(a.ndim(), 1);
  return slice(a, std::move(start), std::move(stop), std::move(strides), s);
}

array slice(const array& a, const array& start, std::vector<int> axes, Shape slice_size,
            StreamOrDevice s) {
  int ndim = static_cast<int>(a.ndim());
  if (start.size() > a.ndim()) {
    std::ostringstream msg;
    msg << "[slice] Invalid number of starting positions (" << start.size()
        << ") for array with dimension " << ndim << ".";
    fail(msg);
  }
  if (start.ndim() > 1) {
    std::ostringstream msg;
    msg << "[slice] The array of starting indices must be zero or one dimensional but has "
           "dimension "
        << start.ndim() << ".";
    fail(msg);
  }
  if (start.size() != axes.size()) {
    std::ostringstream msg;
    msg << "[slice] Number of starting indices " << start.size()
        << " does not match number of axes " << axes.size() << ".";
    fail(msg);
  }
  if (!issubdtype(start.dtype(), integer)) {
    std::ostringstream msg;
    msg << "[slice] Start indices must be integers, got type " << start.dtype() << ".";
    fail(msg);
  }
  for (auto& ax : axes) {
    int n = ax < 0 ? ax + ndim : ax;
    if (n < 0 || n >= ndim) {
      std::ostringstream msg;
      msg << "[slice] Invalid axis " << ax << " for array with dimension " << ndim << ".";
      fail(msg);
    }
    ax = n;
  }
  if (std::set<int>(axes.begin(), axes.end()).size() != axes.size()) {
    throw std::invalid_argument("[slice] Repeat axes not allowed.");
  }
  if (slice_size.size() != a.ndim()) {
    std::ostringstream msg;
    msg << "[slice] Invalid slice size " << shape_to_string(slice_size) << " for array with "
        << ndim << " dimensions: expected one size per dimension.";
    fail(msg);
  }
  for (int i = 0; i < ndim; ++i) {
    if (slice_size[i] > a.shape(i) || slice_size[i] < 0) {
      std::ostringstream msg;
      msg << "[slice] Invalid slice size " << shape_to_string(slice_size)
          << " for array with shape " << shape_to_string(a.shape()) << ".";
      fail(msg);
    }
  }
  auto out_shape = slice_size;
  return array(std::move(out_shape), a.dtype(),
               std::make_shared<DynamicSlice>(to_stream(s), std::move(axes), std::move(slice_size)),
               {a, start});
}

// ---- split ----

std::vector<array> split(const array& a, const Shape& indices, int axis, StreamOrDevice s) {
  int ax = normalize_axis(axis, static_cast<int>(a.ndim()), "split");
  if (indices.empty()) return {a};
  int n = a.shape(ax);
  if (std::is_sorted(indices.begin(), indices.end()) && indices.front() >= 0 &&
      indices.back() <= n) {
    std::vector<Shape> shapes(indices.size() + 1, a.shape());
    int prev = 0;
    for (size_t i = 0; i < indices.size(); ++i) {
      shapes[i][ax] = indices[i] - prev;
      prev = indices[i];
    }
    shapes.back()[ax] = n - prev;
    std::vector<Dtype> dtypes(shapes.size(), a.dtype());
    return array::make_arrays(std::move(shapes), dtypes,
                              std::make_shared<Split>(to_stream(s), indices, ax), {a});
  }
  // Unsorted or out-of-range indices: slices with Python's clamping.
  std::vector<array> out;
  Shape start(a.ndim(), 0);
  Shape stop = a.shape();
  for (size_t i = 0; i <= indices.size(); ++i) {
    stop[ax] = i < indices.size() ? indices[i] : n;
    out.push_back(slice(a, start, stop, s));
    start[ax] = stop[ax];
  }
  return out;
}

std::vector<array> split(const array& a, const Shape& indices, StreamOrDevice s) {
  return split(a, indices, 0, s);
}

std::vector<array> split(const array& a, int num_splits, int axis, StreamOrDevice s) {
  int ax = normalize_axis(axis, static_cast<int>(a.ndim()), "split");
  if (num_splits <= 0) {
    std::ostringstream msg;
    msg << "[split] num_splits must be positive and non-zero but got " << num_splits << ".";
    fail(msg);
  }
  int n = a.shape(ax);
  if (n % num_splits != 0) {
    std::ostringstream msg;
    msg << "[split] Array split does not result in sub arrays with equal size: attempting "
        << num_splits << " splits along axis " << axis << " for shape "
        << shape_to_string(a.shape()) << ".";
    fail(msg);
  }
  int piece = n / num_splits;
  Shape indices(num_splits - 1);
  for (int i = 0; i < num_splits - 1; ++i) indices[i] = (i + 1) * piece;
  return split(a, indices, ax, s);
}

std::vector<array> split(const array& a, int num_splits, StreamOrDevice s) {
  return split(a, num_splits, 0, s);
}

// ---- concatenate / stack ----

array concatenate(std::vector<array> arrays, int axis, StreamOrDevice s) {
  if (arrays.empty()) {
    throw std::invalid_argument("[concatenate] No arrays provided for concatenation.");
  }
  int ax = normalize_axis(axis, static_cast<int>(arrays[0].ndim()), "concatenate");
  if (arrays.size() == 1) return arrays[0];
  auto shape = arrays[0].shape();
  int64_t total = 0;
  for (auto& a : arrays) {
    if (a.ndim() != shape.size()) {
      std::ostringstream msg;
      msg << "[concatenate] All the input arrays must have the same number of dimensions. "
          << "However, got arrays with dimensions " << shape.size() << " and " << a.ndim()
          << ".";
      fail(msg);
    }
    for (int i = 0; i < static_cast<int>(a.ndim()); ++i) {
      if (i != ax && a.shape(i) != shape[i]) {
        std::ostringstream msg;
        msg << "[concatenate] All the input array dimensions must match exactly except for "
               "the concatenation axis. However, the provided shapes are ";
        for (auto& b : arrays) msg << shape_to_string(b.shape()) << ", ";
        msg << "and the concatenation axis is " << axis << ".";
        fail(msg);
      }
    }
    total += a.shape(ax);
  }
  if (total > std::numeric_limits<int32_t>::max()) {
    std::ostringstream msg;
    msg << "[concatenate] The concatenated axis would have " << total
        << " elements, more than a dimension can hold.";
    fail(msg);
  }
  shape[ax] = static_cast<int32_t>(total);
  Dtype dtype = arrays[0].dtype();
  for (auto& a : arrays) dtype = promote_types(dtype, a.dtype());
  auto stream = to_stream(s);
  for (auto& a : arrays) a = astype(a, dtype, stream);
  return array(std::move(shape), dtype, std::make_shared<Concatenate>(stream, ax),
               std::move(arrays));
}

array concatenate(std::vector<array> arrays, StreamOrDevice s) {
  for (auto& a : arrays) a = flatten(a, s);
  return concatenate(std::move(arrays), 0, s);
}

array stack(const std::vector<array>& arrays, int axis, StreamOrDevice s) {
  if (arrays.empty()) throw std::invalid_argument("[stack] No arrays provided for stacking.");
  for (auto& a : arrays) {
    if (a.shape() != arrays[0].shape()) {
      std::ostringstream msg;
      msg << "[stack] All arrays must have the same shape, got " << shape_to_string(arrays[0].shape())
          << " and " << shape_to_string(a.shape()) << ".";
      fail(msg);
    }
  }
  int ax = normalize_axis(axis, static_cast<int>(arrays[0].ndim()) + 1, "stack");
  std::vector<array> expanded;
  expanded.reserve(arrays.size());
  for (auto& a : arrays) expanded.push_back(expand_dims(a, ax, s));
  return concatenate(std::move(expanded), ax, s);
}

array stack(const std::vector<array>& arrays, StreamOrDevice s) { return stack(arrays, 0, s); }

// ---- axis permutations ----

namespace {
int check_axis(int ax, int ndim, const char* op) {
  if (ax < -ndim || ax >= ndim) {
    std::ostringstream msg;
    msg << "[" << op << "] Invalid axis " << ax << " for array with " << ndim << " dimensions.";
    fail(msg);
  }
  return ax < 0 ? ax + ndim : ax;
}
} // namespace

array moveaxis(const array& a, int source, int destination, StreamOrDevice s) {
  int ndim = static_cast<int>(a.ndim());
  source = check_axis(source, ndim, "moveaxis");
  destination = check_axis(destination, ndim, "moveaxis");
  if (source == destination) return a;
  std::vector<int> order(ndim);
  std::iota(order.begin(), order.end(), 0);
  order.erase(order.begin() + source);
  order.insert(order.begin() + destination, source);
  return transpose(a, std::move(order), s);
}

array swapaxes(const array& a, int axis1, int axis2, StreamOrDevice s) {
  int ndim = static_cast<int>(a.ndim());
  axis1 = check_axis(axis1, ndim, "swapaxes");
  axis2 = check_axis(axis2, ndim, "swapaxes");
  std::vector<int> order(ndim);
  std::iota(order.begin(), order.end(), 0);
  std::swap(order[axis1], order[axis2]);
  return transpose(a, std::move(order), s);
}

array transpose(const array& a, std::vector<int> axes, StreamOrDevice s) {
  int ndim = static_cast<int>(a.ndim());
  if (static_cast<int>(axes.size()) != ndim) {
    std::ostringstream msg;
    msg << "[transpose] Received " << axes.size() << " axes for array with " << ndim
        << " dimensions.";
    fail(msg);
  }
  std::vector<bool> seen(ndim, false);
  Shape shape(ndim);
  for (int i = 0; i < ndim; ++i) {
    int ax = axes[i] < 0 ? axes[i] + ndim : axes[i];
    if (ax < 0 || ax >= ndim) {
      std::ostringstream msg;
      msg << "[transpose] Invalid axis (" << axes[i] << ") for array with " << ndim
          << " dimensions.";
      fail(msg);
    }
    if (seen[ax]) {
      std::ostringstream msg;
      msg << "[transpose] Repeat axes not allowed, got axes " << ints_to_string(axes) << ".";
      fail(msg);
    }
    seen[ax] = true;
    axes[i] = ax;
    shape[i] = a.shape(ax);
  }
  return array(std::move(shape), a.dtype(),
               std::make_shared<Transpose>(to_stream(s), std::move(axes)), {a});
}

array transpose(const array& a, StreamOrDevice s) {
  std::vector<int> axes(a.ndim());
  std::iota(axes.rbegin(), axes.rend(), 0);
  return transpose(a, std::move(axes), s);
}

// ---- broadcasting ----

array broadcast_to(const array& a, const Shape& shape, StreamOrDevice s) {
  if (std::any_of(shape.begin(), shape.end(), [](int d) { return d < 0; })) {
    std::ostringstream msg;
    msg << "[broadcast_to] Negative dimensions not allowed, got shape " << shape_to_string(shape)
        << ".";
    fail(msg);
  }
  if (a.shape() == shape) return a;
  bool ok = a.ndim() <= shape.size();
  for (size_t i = 0; ok && i < a.ndim(); ++i) {
    int d = a.shape()[a.ndim() - 1 - i];
    ok = d == 1 || d == shape[shape.size() - 1 - i];
  }
  if (!ok) {
    std::ostringstream msg;
    msg << "[broadcast_to] Cannot broadcast array of shape " << shape_to_string(a.shape())
        << " into shape " << shape_to_string(shape) << ".";
    fail(msg);
  }
  return array(shape, a.dtype(), std::make_shared<Broadcast>(to_stream(s), shape), {a});
}

std::vector<array> broadcast_arrays(const std::vector<array>& inputs, StreamOrDevice s) {
  if (inputs.size() <= 1) return inputs;
  Shape shape = inputs[0].shape();
  for (size_t i = 1; i < inputs.size(); ++i) {
    shape = broadcast_shapes(shape, inputs[i].shape(), "broadcast_arrays");
  }
  auto stream = to_stream(s);
  std::vector<array> out;
  out.reserve(inputs.size());
  for (auto& in : inputs) {
    if (in.shape() == shape) {
      out.push_back(in);
    } else {
      out.push_back(array(shape, in.dtype(), std::make_shared<Broadcast>(stream, shape), {in}));
    }
  }
  return out;
}

// ---- atleast_nd ----

array atleast_1d(const array& a, StreamOrDevice s) {
  return a.ndim() == 0 ? reshape(a, {1}, s) : a;
}

array atleast_2d(const array& a, StreamOrDevice s) {
  switch (a.ndim()) {
    case 0: return reshape(a, {1, 1}, s);
    case 1: return reshape(a, {1, a.shape(0)}, s);
    default: return a;
  }
}

array atleast_3d(const array& a, StreamOrDevice s) {
  switch (a.ndim()) {
    case 0: return reshape(a, {1, 1, 1}, s);
    case 1: return reshape(a, {1, a.shape(0), 1}, s);
    case 2: return reshape(a, {a.shape(0), a.shape(1), 1}, s);
    default: return a;
  }
}

namespace {
template <typename F>
std::vector<array> map_arrays(const std::vector<array>& arrays, StreamOrDevice s, F f) {
  std::vector<array> out;
  out.reserve(arrays.size());
  for (auto& a : arrays) out.push_back(f(a, s));
  return out;
}
} // namespace

std::vector<array> atleast_1d(const std::vector<array>& arrays, StreamOrDevice s) {
  return map_arrays(arrays, s, [](const array& a, StreamOrDevice st) { return atleast_1d(a, st); });
}
std::vector<array> atleast_2d(const std::vector<array>& arrays, StreamOrDevice s) {
  return map_arrays(arrays, s, [](const array& a, StreamOrDevice st) { return atleast_2d(a, st); });
}
std::vector<array> atleast_3d(const std::vector<array>& arrays, StreamOrDevice s) {
  return map_arrays(arrays, s, [](const array& a, StreamOrDevice st) { return atleast_3d(a, st); });
}

} // namespace mlx::core
