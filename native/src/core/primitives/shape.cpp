// Transform rules, shape rules and device fallbacks of the shape primitives.
#include "mlx/primitives/shape.h"

#include <limits>
#include <sstream>

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

} // namespace mlx::core
