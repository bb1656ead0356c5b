// Transform rules, shape rules and device fallbacks of the shape primitives.
#include "mlx/primitives/shape.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <optional>
#include <sstream>

#include "mlx/backend/common/utils.h"
#include "mlx/ops.h"
#include "mlx/utils.h"

namespace mlx::core {

namespace {
template <typename P>
const P* as(const Primitive& other) {
  return dynamic_cast<const P*>(&other);
}
} // namespace

bool AsStrided::is_equivalent(const Primitive& other) const {
  auto* o = as<AsStrided>(other);
  return o && o->shape_ == shape_ && o->strides_ == strides_ && o->offset_ == offset_;
}

// ---- Reshape ----

Shape Reshape::output_shape(const array& input, Shape shape) {
  // Saturate the product so that huge shapes cannot wrap around.
  constexpr int64_t kCap = int64_t{1} << 62;
  int64_t size = 1;
  int infer = -1;
  for (int i = 0; i < static_cast<int>(shape.size()); ++i) {
    if (shape[i] == -1) {
      if (infer >= 0) throw std::invalid_argument("[reshape] Reshape can only infer one dimension.");
      infer = i;
    } else if (shape[i] < 0) {
      std::ostringstream msg;
      msg << "[reshape] Invalid dimension " << shape[i] << " in shape " << shape_to_string(shape)
          << ": only -1 (inferred) may be negative.";
      throw std::invalid_argument(msg.str());
    } else {
      size = (shape[i] != 0 && size > kCap / shape[i]) ? kCap : size * shape[i];
    }
  }
  int64_t n = static_cast<int64_t>(input.size());
  if (infer >= 0) {
    if (size == 0) {
      throw std::invalid_argument("[reshape] Cannot infer the shape of an empty array.");
    }
    int64_t d = n / size;
    if (d > std::numeric_limits<int32_t>::max()) d = 0; // reported as a size mismatch
    shape[infer] = static_cast<int32_t>(d);
    size *= d;
  }
  if (size != n) {
    std::ostringstream msg;
    msg << "[reshape] Cannot reshape array of size " << n << " into shape "
        << shape_to_string(shape) << ".";
    throw std::invalid_argument(msg.str());
  }
  return shape;
}

bool Reshape::is_equivalent(const Primitive& other) const {
  auto* o = as<Reshape>(other);
  return o && o->shape_ == shape_;
}

std::vector<Shape> Reshape::output_shapes(const std::vector<array>& inputs) {
  return {output_shape(inputs[0], shape_)};
}

// ---- Flatten / Unflatten ----

Shape Flatten::output_shape(const array& input, int start_axis, int end_axis) {
  Shape shape = input.shape();
  int64_t n = 1;
  for (int ax = start_axis; ax <= end_axis; ++ax) n *= input.shape(ax);
  if (n > std::numeric_limits<int32_t>::max()) {
    std::ostringstream msg;
    msg << "[flatten] The flattened axis would have " << n
        << " elements, more than a dimension can hold.";
    throw std::invalid_argument(msg.str());
  }
  shape.erase(shape.begin() + start_axis + 1, shape.begin() + end_axis + 1);
  shape[start_axis] = static_cast<int32_t>(n);
  return shape;
}

bool Flatten::is_equivalent(const Primitive& other) const {
  auto* o = as<Flatten>(other);
  return o && o->start_axis_ == start_axis_ && o->end_axis_ == end_axis_;
}

std::vector<Shape> Flatten::output_shapes(const std::vector<array>& inputs) {
  return {output_shape(inputs[0], start_axis_, end_axis_)};
}

Shape Unflatten::output_shape(const array& input, int axis, const Shape& shape) {
  Shape out = input.shape();
  out[axis] = shape[0];
  out.insert(out.begin() + axis + 1, shape.begin() + 1, shape.end());
  return out;
}

bool Unflatten::is_equivalent(const Primitive& other) const {
  auto* o = as<Unflatten>(other);
  return o && o->axis_ == axis_ && o->shape_ == shape_;
}

std::vector<Shape> Unflatten::output_shapes(const std::vector<array>& inputs) {
  return {output_shape(inputs[0], axis_, shape_)};
}

// ---- Transpose / Broadcast ----

bool Transpose::is_equivalent(const Primitive& other) const {
  auto* o = as<Transpose>(other);
  return o && o->axes_ == axes_;
}

std::vector<Shape> Transpose::output_shapes(const std::vector<array>& inputs) {
  Shape out(axes_.size());
  for (size_t i = 0; i < axes_.size(); ++i) out[i] = inputs[0].shape(axes_[i]);
  return {out};
}

bool Broadcast::is_equivalent(const Primitive& other) const {
  auto* o = as<Broadcast>(other);
  return o && o->shape_ == shape_;
}

std::vector<Shape> Broadcast::output_shapes(const std::vector<array>& inputs) {
  if (broadcast_shapes(inputs[0].shape(), shape_, "broadcast_to") != shape_) {
    std::ostringstream msg;
    msg << "[broadcast_to] Cannot broadcast array of shape " << shape_to_string(inputs[0].shape())
        << " into shape " << shape_to_string(shape_) << ".";
    throw std::invalid_argument(msg.str());
  }
  return {shape_};
}

// ---- Squeeze / ExpandDims ----

Shape Squeeze::output_shape(const array& input, const std::vector<int>& axes) {
  Shape shape;
  size_t j = 0;
  for (int i = 0; i < static_cast<int>(input.ndim()); ++i) {
    if (j < axes.size() && axes[j] == i) {
      ++j;
    } else {
      shape.push_back(input.shape(i));
    }
  }
  return shape;
}

bool Squeeze::is_equivalent(const Primitive& other) const {
  auto* o = as<Squeeze>(other);
  return o && o->axes_ == axes_;
}

std::vector<Shape> Squeeze::output_shapes(const std::vector<array>& inputs) {
  return {output_shape(inputs[0], axes_)};
}

Shape ExpandDims::output_shape(const array& input, const std::vector<int>& axes) {
  Shape shape = input.shape();
  for (auto ax : axes) shape.insert(shape.begin() + ax, 1);
  return shape;
}

bool ExpandDims::is_equivalent(const Primitive& other) const {
  auto* o = as<ExpandDims>(other);
  return o && o->axes_ == axes_;
}

std::vector<Shape> ExpandDims::output_shapes(const std::vector<array>& inputs) {
  return {output_shape(inputs[0], axes_)};
}

// ---- slicing, split, concatenate ----

bool Slice::is_equivalent(const Primitive& other) const {
  auto* o = as<Slice>(other);
  return o && o->start_indices_ == start_indices_ && o->end_indices_ == end_indices_ &&
         o->strides_ == strides_;
}

bool DynamicSlice::is_equivalent(const Primitive& other) const {
  auto* o = as<DynamicSlice>(other);
  return o && o->axes_ == axes_ && o->slice_size_ == slice_size_;
}

bool Split::is_equivalent(const Primitive& other) const {
  auto* o = as<Split>(other);
  return o && o->indices_ == indices_ && o->axis_ == axis_;
}

bool Concatenate::is_equivalent(const Primitive& other) const {
  auto* o = as<Concatenate>(other);
  return o && o->axis_ == axis_;
}

std::vector<Shape> Concatenate::output_shapes(const std::vector<array>& inputs) {
  Shape out = inputs[0].shape();
  out[axis_] = 0;
  for (auto& in : inputs) out[axis_] += in.shape(axis_);
  return {out};
}

// Split: the pieces of the new input along axis_ (cut indices as recorded).
std::vector<Shape> Split::output_shapes(const std::vector<array>& inputs) {
  const auto& in = inputs[0].shape();
  std::vector<Shape> out(indices_.size() + 1, in);
  int prev = 0;
  for (size_t i = 0; i < indices_.size(); ++i) {
    int cut = std::min(indices_[i], in[axis_]);
    out[i][axis_] = std::max(cut - prev, 0);
    prev = std::max(prev, cut);
  }
  out.back()[axis_] = in[axis_] - prev;
  return out;
}

bool AsStridedAdd::is_equivalent(const Primitive& other) const {
  auto* o = as<AsStridedAdd>(other);
  return o && o->target_shape_ == target_shape_ && o->shape_ == shape_ &&
         o->strides_ == strides_ && o->offset_ == offset_;
}

bool DynamicSliceUpdate::is_equivalent(const Primitive& other) const {
  auto* o = as<DynamicSliceUpdate>(other);
  return o && o->axes_ == axes_;
}

// ======================= transformation rules =======================

namespace {

using VmapResult = std::pair<std::vector<array>, std::vector<int>>;

// Sums `cot` (of a shape `shape` broadcast to) back to `shape`: over the
// leading axes and the axes where `shape` has 1 and `cot` does not.
array reduce_to_shape(const array& cot, const Shape& shape, Dtype dtype, const Stream& s) {
  if (cot.shape() == shape) return cot;
  int lead = static_cast<int>(cot.ndim()) - static_cast<int>(shape.size());
  std::vector<int> axes;
  for (int i = 0; i < lead; ++i) axes.push_back(i);
  for (int i = 0; i < static_cast<int>(shape.size()); ++i) {
    if (shape[i] == 1 && cot.shape(lead + i) != 1) axes.push_back(lead + i);
  }
  array r = axes.empty() ? cot : sum(cot, axes, true, s);
  r = reshape(r, shape, s);
  return r.dtype() == dtype ? r : astype(r, dtype, s);
}

// `x` with its mapped axis `ax` moved to the front; an unmapped `x` (ax -1)
// is broadcast along a new front axis of size `n`.
array batch_front(const array& x, int ax, int n, const Stream& s) {
  if (ax >= 0) return ax == 0 ? x : moveaxis(x, ax, 0, s);
  Shape shape = x.shape();
  shape.insert(shape.begin(), n);
  return broadcast_to(expand_dims(x, 0, s), shape, s);
}

int64_t shape_size(const Shape& shape) {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

// The start positions held by `start` (batched at axis `ax`), as an int32
// array of shape (B, k) clamped into [0, hi[j]] for each of its k entries.
array clamped_starts(const array& start, int ax, int batch, const std::vector<int64_t>& hi,
                     const Stream& s) {
  array st = batch_front(start, ax, batch, s);
  st = reshape(st, {batch, static_cast<int>(hi.size())}, s);
  if (st.dtype() == uint64) {
    // Clamp before the cast so that huge values saturate (as the kernel does).
    std::vector<uint64_t> h(hi.begin(), hi.end());
    st = minimum(st, array(h.begin(), {static_cast<int>(h.size())}, uint64), s);
  }
  st = astype(st, int64, s);
  st = clip(st, array(int64_t{0}, int64), array(hi.begin(), {static_cast<int>(hi.size())}, int64), s);
  return astype(st, int32, s);
}

// Indices of shape (B, 1.., n at position `pos`, 1..) (ndim dims).
array at_axis(const array& v, int ndim, int pos, bool batched, const Stream& s) {
  Shape shape(ndim, 1);
  if (batched) shape[0] = v.shape(0);
  shape[pos] = v.shape(v.ndim() - 1);
  return reshape(v, shape, s);
}

} // namespace

// ---- AsStrided / AsStridedAdd ----

namespace detail {

array as_strided_add(const array& values, Shape target_shape, Strides strides, int64_t offset,
                     Stream s) {
  auto out_shape = target_shape;
  auto shape = values.shape();
  return array(std::move(out_shape), values.dtype(),
               std::make_shared<AsStridedAdd>(s, std::move(target_shape), std::move(shape),
                                              std::move(strides), offset),
               {values});
}

array dynamic_slice_update(const array& src, const array& update, const array& start,
                           std::vector<int> axes, Stream s) {
  auto shape = src.shape();
  auto upd = update.dtype() == src.dtype() ? update : astype(update, src.dtype(), s);
  return array(std::move(shape), src.dtype(),
               std::make_shared<DynamicSliceUpdate>(s, std::move(axes)), {src, upd, start});
}

} // namespace detail

std::vector<array> AsStrided::vjp(const std::vector<array>& primals,
                                  const std::vector<array>& cotangents, const std::vector<int>&,
                                  const std::vector<array>&) {
  return {detail::as_strided_add(cotangents[0], primals[0].shape(), strides_, offset_, stream())};
}

std::vector<array> AsStrided::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                                  const std::vector<int>&) {
  return {as_strided(tangents[0], shape_, strides_, static_cast<size_t>(offset_), stream())};
}

VmapResult AsStrided::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  int ax = axes[0];
  const auto& in = inputs[0];
  if (ax < 0) return {{as_strided(in, shape_, strides_, static_cast<size_t>(offset_), stream())}, {-1}};
  // The view addresses the row-major elements of each batch item, which
  // start n elements apart once the mapped axis is in front.
  int batch = in.shape(ax);
  int64_t n = batch ? static_cast<int64_t>(in.size()) / batch : 0;
  Shape shape = shape_;
  Strides strides = strides_;
  shape.insert(shape.begin(), batch);
  strides.insert(strides.begin(), n);
  return {{as_strided(batch_front(in, ax, batch, stream()), std::move(shape), std::move(strides),
                      static_cast<size_t>(offset_), stream())},
          {0}};
}

std::vector<array> AsStridedAdd::vjp(const std::vector<array>&,
                                     const std::vector<array>& cotangents,
                                     const std::vector<int>&, const std::vector<array>&) {
  return {as_strided(cotangents[0], shape_, strides_, static_cast<size_t>(offset_), stream())};
}

std::vector<array> AsStridedAdd::jvp(const std::vector<array>&,
                                     const std::vector<array>& tangents,
                                     const std::vector<int>&) {
  return {detail::as_strided_add(tangents[0], target_shape_, strides_, offset_, stream())};
}

VmapResult AsStridedAdd::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  int ax = axes[0];
  const auto& in = inputs[0];
  if (ax < 0) return {{detail::as_strided_add(in, target_shape_, strides_, offset_, stream())}, {-1}};
  int batch = in.shape(ax);
  Shape target = target_shape_;
  Strides strides = strides_;
  target.insert(target.begin(), batch);
  strides.insert(strides.begin(), shape_size(target_shape_));
  return {{detail::as_strided_add(batch_front(in, ax, batch, stream()), std::move(target),
                                  std::move(strides), offset_, stream())},
          {0}};
}

// ---- Reshape / Flatten / Unflatten ----

std::vector<array> Reshape::vjp(const std::vector<array>& primals,
                                const std::vector<array>& cotangents, const std::vector<int>&,
                                const std::vector<array>&) {
  return {reshape(cotangents[0], primals[0].shape(), stream())};
}

std::vector<array> Reshape::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                                const std::vector<int>&) {
  return {reshape(tangents[0], shape_, stream())};
}

VmapResult Reshape::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  int ax = axes[0];
  const auto& in = inputs[0];
  if (ax < 0) return {{reshape(in, shape_, stream())}, {-1}};
  // Resolve a -1 against one batch item (the batch may be empty).
  Shape item = in.shape();
  int batch = item[ax];
  item.erase(item.begin() + ax);
  Shape shape = shape_;
  auto infer = std::find(shape.begin(), shape.end(), -1);
  if (infer != shape.end()) {
    int64_t known = 1;
    for (auto d : shape) known *= d == -1 ? 1 : d;
    *infer = known ? static_cast<int32_t>(shape_size(item) / known) : 0;
  }
  shape.insert(shape.begin(), batch);
  return {{reshape(batch_front(in, ax, batch, stream()), std::move(shape), stream())}, {0}};
}

std::vector<array> Flatten::vjp(const std::vector<array>& primals,
                                const std::vector<array>& cotangents, const std::vector<int>&,
                                const std::vector<array>&) {
  // Reshape rather than unflatten: the flattened axes may hold zeros.
  return {reshape(cotangents[0], primals[0].shape(), stream())};
}

std::vector<array> Flatten::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                                const std::vector<int>&) {
  return {flatten(tangents[0], start_axis_, end_axis_, stream())};
}

VmapResult Flatten::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  int ax = axes[0];
  array in = inputs[0];
  int start = start_axis_, end = end_axis_;
  if (ax < 0) return {{flatten(in, start, end, stream())}, {-1}};
  if (ax <= start) {
    // The mapped axis comes before the flattened run.
    ++start;
    ++end;
  } else if (ax <= end) {
    // Inside the run: move it to the front first.
    in = moveaxis(in, ax, 0, stream());
    ax = 0;
    ++start;
    ++end;
  } else {
    ax -= end - start;
  }
  return {{flatten(in, start, end, stream())}, {ax}};
}

std::vector<array> Unflatten::vjp(const std::vector<array>& primals,
                                  const std::vector<array>& cotangents, const std::vector<int>&,
                                  const std::vector<array>&) {
  return {reshape(cotangents[0], primals[0].shape(), stream())};
}

std::vector<array> Unflatten::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                                  const std::vector<int>&) {
  return {unflatten(tangents[0], axis_, shape_, stream())};
}

VmapResult Unflatten::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  int ax = axes[0];
  int axis = axis_;
  if (ax >= 0) {
    if (ax <= axis) {
      ++axis;
    } else {
      ax += static_cast<int>(shape_.size()) - 1;
    }
  }
  return {{unflatten(inputs[0], axis, shape_, stream())}, {ax}};
}

// ---- Transpose / Broadcast ----

std::vector<array> Transpose::vjp(const std::vector<array>&,
                                  const std::vector<array>& cotangents, const std::vector<int>&,
                                  const std::vector<array>&) {
  std::vector<int> inverse(axes_.size());
  for (size_t i = 0; i < axes_.size(); ++i) inverse[axes_[i]] = static_cast<int>(i);
  return {transpose(cotangents[0], std::move(inverse), stream())};
}

std::vector<array> Transpose::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                                  const std::vector<int>&) {
  return {transpose(tangents[0], axes_, stream())};
}

VmapResult Transpose::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  int ax = axes[0];
  std::vector<int> perm = axes_;
  if (ax >= 0) {
    // Input axes at or after the mapped one shift by one; the mapped axis
    // stays where it is.
    for (auto& d : perm) d += d >= ax ? 1 : 0;
    perm.insert(perm.begin() + ax, ax);
  }
  return {{transpose(inputs[0], std::move(perm), stream())}, {ax}};
}

std::vector<array> Broadcast::vjp(const std::vector<array>& primals,
                                  const std::vector<array>& cotangents, const std::vector<int>&,
                                  const std::vector<array>&) {
  return {reduce_to_shape(cotangents[0], primals[0].shape(), primals[0].dtype(), stream())};
}

std::vector<array> Broadcast::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                                  const std::vector<int>&) {
  return {broadcast_to(tangents[0], shape_, stream())};
}

VmapResult Broadcast::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  int ax = axes[0];
  const auto& in = inputs[0];
  if (ax < 0) return {{broadcast_to(in, shape_, stream())}, {-1}};
  // The item's axes align with the trailing axes of shape_; the mapped axis
  // goes in front of the output axis its successor maps to.
  int diff = static_cast<int>(shape_.size()) - (static_cast<int>(in.ndim()) - 1);
  Shape shape = shape_;
  shape.insert(shape.begin() + ax + diff, in.shape(ax));
  return {{broadcast_to(in, shape, stream())}, {ax + diff}};
}

// ---- Squeeze / ExpandDims ----

std::vector<array> Squeeze::vjp(const std::vector<array>& primals,
                                const std::vector<array>& cotangents, const std::vector<int>&,
                                const std::vector<array>&) {
  return {reshape(cotangents[0], primals[0].shape(), stream())};
}

std::vector<array> Squeeze::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                                const std::vector<int>&) {
  return {squeeze(tangents[0], axes_, stream())};
}

VmapResult Squeeze::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  int ax = axes[0];
  std::vector<int> sq = axes_;
  if (ax >= 0) {
    int out_ax = ax;
    for (auto& d : sq) {
      if (d >= ax) {
        ++d;
      } else {
        --out_ax;
      }
    }
    ax = out_ax;
  }
  return {{squeeze(inputs[0], sq, stream())}, {ax}};
}

std::vector<array> ExpandDims::vjp(const std::vector<array>& primals,
                                   const std::vector<array>& cotangents, const std::vector<int>&,
                                   const std::vector<array>&) {
  return {reshape(cotangents[0], primals[0].shape(), stream())};
}

std::vector<array> ExpandDims::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                                   const std::vector<int>&) {
  return {expand_dims(tangents[0], axes_, stream())};
}

VmapResult ExpandDims::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  int ax = axes[0];
  std::vector<int> ex = axes_;
  if (ax >= 0) {
    // The batch goes right before the item axis it preceded; each new axis
    // at or before that position pushes it right.
    int pos = ax;
    for (auto d : axes_) pos += d <= pos ? 1 : 0;
    for (auto& d : ex) d += d < pos ? 0 : 1;
    ax = pos;
  }
  return {{expand_dims(inputs[0], ex, stream())}, {ax}};
}

// ---- Slice / DynamicSlice / DynamicSliceUpdate ----

std::vector<array> Slice::vjp(const std::vector<array>& primals,
                              const std::vector<array>& cotangents, const std::vector<int>&,
                              const std::vector<array>&) {
  // Scatter the cotangent back through the same strided view of a row-major
  // array of the input's shape (positions are distinct: no accumulation).
  const auto& in_shape = primals[0].shape();
  const auto& cot = cotangents[0];
  Strides row = make_contiguous_strides(in_shape);
  Strides strides(in_shape.size());
  int64_t offset = 0;
  for (size_t i = 0; i < in_shape.size(); ++i) {
    strides[i] = row[i] * strides_[i];
    if (cot.size() > 0) offset += static_cast<int64_t>(start_indices_[i]) * row[i];
  }
  return {detail::as_strided_add(cot, in_shape, std::move(strides), offset, stream())};
}

std::vector<array> Slice::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                              const std::vector<int>&) {
  return {slice(tangents[0], start_indices_, end_indices_, strides_, stream())};
}

VmapResult Slice::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  int ax = axes[0];
  const auto& in = inputs[0];
  Shape start = start_indices_, stop = end_indices_, strides = strides_;
  if (ax >= 0) {
    start.insert(start.begin() + ax, 0);
    stop.insert(stop.begin() + ax, in.shape(ax));
    strides.insert(strides.begin() + ax, 1);
  }
  return {{slice(in, std::move(start), std::move(stop), std::move(strides), stream())}, {ax}};
}

std::vector<array> DynamicSlice::vjp(const std::vector<array>& primals,
                                     const std::vector<array>& cotangents,
                                     const std::vector<int>& argnums,
                                     const std::vector<array>&) {
  std::vector<array> out;
  for (int a : argnums) {
    if (a == 0) {
      out.push_back(detail::dynamic_slice_update(zeros_like(primals[0], stream()), cotangents[0],
                                                 primals[1], axes_, stream()));
    } else {
      // Integer start positions: no gradient.
      out.push_back(zeros_like(primals[1], stream()));
    }
  }
  return out;
}

std::vector<array> DynamicSlice::jvp(const std::vector<array>& primals,
                                     const std::vector<array>& tangents,
                                     const std::vector<int>& argnums) {
  for (size_t i = 0; i < argnums.size(); ++i) {
    if (argnums[i] == 0) return {slice(tangents[i], primals[1], axes_, slice_size_, stream())};
  }
  return {zeros(slice_size_, primals[0].dtype(), stream())};
}

VmapResult DynamicSlice::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  const auto& in = inputs[0];
  const auto& start = inputs[1];
  int ax = axes[0];
  if (axes[1] < 0) {
    // One block position for every item: slice the whole batch at once.
    if (ax < 0) return {{slice(in, start, axes_, slice_size_, stream())}, {-1}};
    std::vector<int> sl = axes_;
    for (auto& d : sl) d += d >= ax ? 1 : 0;
    Shape size = slice_size_;
    size.insert(size.begin() + ax, in.shape(ax));
    return {{slice(in, start, std::move(sl), std::move(size), stream())}, {ax}};
  }
  // A block position per item: gather each sliced axis with per-item
  // indices start + arange(size) (clamped as the kernel clamps).
  int batch = start.shape(axes[1]);
  array x = batch_front(in, ax, batch, stream());
  int ndim = static_cast<int>(x.ndim());
  const Shape& item = slice_size_;
  std::vector<int64_t> hi;
  for (auto d : axes_) {
    hi.push_back(std::max<int64_t>(int64_t{x.shape(d + 1)} - item[d], 0));
  }
  array st = clamped_starts(start, axes[1], batch, hi, stream());
  // Axes that are not sliced start at 0.
  Shape lo(ndim, 0), up = x.shape();
  for (int d = 0; d < static_cast<int>(item.size()); ++d) {
    if (std::find(axes_.begin(), axes_.end(), d) == axes_.end()) up[d + 1] = item[d];
  }
  x = slice(x, lo, up, stream());
  for (size_t j = 0; j < axes_.size(); ++j) {
    int d = axes_[j];
    array begin = slice(st, {0, static_cast<int>(j)}, {batch, static_cast<int>(j) + 1}, stream());
    array idx = add(begin, reshape(arange(0, item[d], stream()), {1, item[d]}, stream()), stream());
    x = take_along_axis(x, at_axis(idx, ndim, d + 1, true, stream()), d + 1, stream());
  }
  return {{x}, {0}};
}

std::vector<array> DynamicSliceUpdate::vjp(const std::vector<array>& primals,
                                           const std::vector<array>& cotangents,
                                           const std::vector<int>& argnums,
                                           const std::vector<array>&) {
  const auto& cot = cotangents[0];
  const auto& upd = primals[1];
  const auto& start = primals[2];
  std::vector<array> out;
  for (int a : argnums) {
    if (a == 0) {
      out.push_back(detail::dynamic_slice_update(cot, zeros_like(upd, stream()), start, axes_,
                                                 stream()));
    } else if (a == 1) {
      out.push_back(slice(cot, start, axes_, upd.shape(), stream()));
    } else {
      out.push_back(zeros_like(start, stream()));
    }
  }
  return out;
}

std::vector<array> DynamicSliceUpdate::jvp(const std::vector<array>& primals,
                                           const std::vector<array>& tangents,
                                           const std::vector<int>& argnums) {
  std::optional<array> ts, tu;
  for (size_t i = 0; i < argnums.size(); ++i) {
    if (argnums[i] == 0) ts = tangents[i];
    if (argnums[i] == 1) tu = tangents[i];
  }
  if (!ts && !tu) return {zeros_like(primals[0], stream())};
  return {detail::dynamic_slice_update(ts ? *ts : zeros_like(primals[0], stream()),
                                       tu ? *tu : zeros_like(primals[1], stream()), primals[2],
                                       axes_, stream())};
}

VmapResult DynamicSliceUpdate::vmap(const std::vector<array>& inputs,
                                    const std::vector<int>& axes) {
  const auto& src = inputs[0];
  const auto& upd = inputs[1];
  const auto& start = inputs[2];
  if (axes[0] < 0 && axes[1] < 0 && axes[2] < 0) {
    return {{detail::dynamic_slice_update(src, upd, start, axes_, stream())}, {-1}};
  }
  int batch = 0;
  for (int i = 0; i < 3; ++i) {
    if (axes[i] >= 0) batch = inputs[i].shape(axes[i]);
  }
  array x = batch_front(src, axes[0], batch, stream());
  array u = batch_front(upd, axes[1], batch, stream());
  if (axes[2] < 0) {
    // One block position for every item.
    std::vector<int> sl = axes_;
    for (auto& d : sl) ++d;
    return {{detail::dynamic_slice_update(x, u, start, std::move(sl), stream())}, {0}};
  }
  // A block position per item: spread the update over the source's shape by
  // gathering along each axis, then select inside the block.
  if (u.size() == 0) return {{x}, {0}};
  int ndim = static_cast<int>(x.ndim());
  Shape item = src.shape();
  if (axes[0] >= 0) item.erase(item.begin() + axes[0]);
  Shape usize = upd.shape();
  if (axes[1] >= 0) usize.erase(usize.begin() + axes[1]);
  std::vector<int64_t> hi;
  for (auto d : axes_) hi.push_back(std::max<int64_t>(int64_t{item[d]} - usize[d], 0));
  array st = clamped_starts(start, axes[2], batch, hi, stream());
  std::optional<array> mask;
  for (int d = 0; d < static_cast<int>(item.size()); ++d) {
    int n = item[d], m = usize[d];
    array pos = reshape(arange(0, n, stream()), {1, n}, stream());
    auto it = std::find(axes_.begin(), axes_.end(), d);
    array rel = pos;
    if (it != axes_.end()) {
      int j = static_cast<int>(it - axes_.begin());
      rel = subtract(pos, slice(st, {0, j}, {batch, j + 1}, stream()), stream());
    }
    bool batched = rel.shape(0) != 1;
    array inside = logical_and(greater_equal(rel, array(0), stream()), less(rel, array(m), stream()),
                               stream());
    array idx = clip(rel, array(0), array(m - 1), stream());
    u = take_along_axis(u, at_axis(idx, ndim, d + 1, batched, stream()), d + 1, stream());
    array in_d = at_axis(inside, ndim, d + 1, batched, stream());
    mask = mask ? logical_and(*mask, in_d, stream()) : in_d;
  }
  array out = mask ? where(*mask, u, x, stream()) : u;
  return {{out}, {0}};
}

// ---- Split / Concatenate ----

std::vector<array> Split::vjp(const std::vector<array>&, const std::vector<array>& cotangents,
                              const std::vector<int>&, const std::vector<array>&) {
  return {concatenate(cotangents, axis_, stream())};
}

std::vector<array> Split::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                              const std::vector<int>&) {
  return split(tangents[0], indices_, axis_, stream());
}

VmapResult Split::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  int ax = axes[0];
  int axis = axis_ + (ax >= 0 && ax <= axis_ ? 1 : 0);
  auto out = split(inputs[0], indices_, axis, stream());
  std::vector<int> out_axes(out.size(), ax);
  return {std::move(out), std::move(out_axes)};
}

std::vector<array> Concatenate::vjp(const std::vector<array>& primals,
                                    const std::vector<array>& cotangents,
                                    const std::vector<int>& argnums, const std::vector<array>&) {
  const auto& cot = cotangents[0];
  std::vector<int> offsets{0};
  for (auto& p : primals) offsets.push_back(offsets.back() + p.shape(axis_));
  Shape start(cot.ndim(), 0), stop = cot.shape();
  std::vector<array> out;
  for (int a : argnums) {
    start[axis_] = offsets[a];
    stop[axis_] = offsets[a + 1];
    out.push_back(slice(cot, start, stop, stream()));
  }
  return out;
}

std::vector<array> Concatenate::jvp(const std::vector<array>& primals,
                                    const std::vector<array>& tangents,
                                    const std::vector<int>& argnums) {
  std::vector<array> parts;
  for (size_t i = 0; i < primals.size(); ++i) {
    auto it = std::find(argnums.begin(), argnums.end(), static_cast<int>(i));
    parts.push_back(it != argnums.end() ? tangents[it - argnums.begin()]
                                        : zeros_like(primals[i], stream()));
  }
  return {concatenate(std::move(parts), axis_, stream())};
}

VmapResult Concatenate::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  int batch = -1;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (axes[i] >= 0) batch = inputs[i].shape(axes[i]);
  }
  if (batch < 0) return {{concatenate(inputs, axis_, stream())}, {-1}};
  // Every input batched at the front (unmapped ones broadcast).
  std::vector<array> parts;
  for (size_t i = 0; i < inputs.size(); ++i) {
    parts.push_back(batch_front(inputs[i], axes[i], batch, stream()));
  }
  return {{concatenate(std::move(parts), axis_ + 1, stream())}, {0}};
}

MLX_NO_GPU(AsStrided)
MLX_NO_GPU(Reshape)
MLX_NO_GPU(Flatten)
MLX_NO_GPU(Unflatten)
MLX_NO_GPU(Transpose)
MLX_NO_GPU(Broadcast)
MLX_NO_GPU(Squeeze)
MLX_NO_GPU(ExpandDims)
MLX_NO_GPU(Slice)
MLX_NO_GPU(DynamicSlice)
MLX_NO_GPU_MULTI(Split)
MLX_NO_GPU(Concatenate)
MLX_NO_GPU(AsStridedAdd)
MLX_NO_GPU(DynamicSliceUpdate)

} // namespace mlx::core
