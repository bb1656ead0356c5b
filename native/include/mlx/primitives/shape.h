// Primitives of the shape family: views and rearrangements.
#pragma once

#include "mlx/primitives.h"

namespace mlx::core {

/** A view of the (row-contiguous) input with explicit shape, strides, offset. */
class AsStrided : public UnaryPrimitive {
 public:
  AsStrided(Stream s, Shape shape, Strides strides, int64_t offset)
      : UnaryPrimitive(s), shape_(std::move(shape)), strides_(std::move(strides)), offset_(offset) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "AsStrided"; }
  const Shape& shape() const { return shape_; }
  const Strides& strides() const { return strides_; }
  int64_t offset() const { return offset_; }
  bool is_equivalent(const Primitive& other) const override;
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums,
                         const std::vector<array>& outputs) override;
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;

 private:
  Shape shape_;
  Strides strides_;
  int64_t offset_;
};

/** New shape, same elements in row-major order: a view when the input's
 * strides allow it, else a row-contiguous copy. */
class Reshape : public UnaryPrimitive {
 public:
  Reshape(Stream s, Shape shape) : UnaryPrimitive(s), shape_(std::move(shape)) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "Reshape"; }
  bool is_equivalent(const Primitive& other) const override;
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums,
                         const std::vector<array>& outputs) override;
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override;
  /** The target shape as given (may hold one -1). */
  const Shape& shape() const { return shape_; }
  /** Resolves a -1 and checks the size; throws naming reshape. */
  static Shape output_shape(const array& input, Shape shape);

 private:
  Shape shape_;
};

/** Merges the axes start_axis..end_axis (normalized, start < end). */
class Flatten : public UnaryPrimitive {
 public:
  Flatten(Stream s, int start_axis, int end_axis)
      : UnaryPrimitive(s), start_axis_(start_axis), end_axis_(end_axis) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "Flatten"; }
  bool is_equivalent(const Primitive& other) const override;
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums,
                         const std::vector<array>& outputs) override;
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override;
  int start_axis() const { return start_axis_; }
  int end_axis() const { return end_axis_; }
  static Shape output_shape(const array& input, int start_axis, int end_axis);

 private:
  int start_axis_;
  int end_axis_;
};

/** Splits one axis (normalized) into a shape (fully resolved, no -1). */
class Unflatten : public UnaryPrimitive {
 public:
  Unflatten(Stream s, int axis, Shape shape)
      : UnaryPrimitive(s), axis_(axis), shape_(std::move(shape)) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "Unflatten"; }
  bool is_equivalent(const Primitive& other) const override;
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums,
                         const std::vector<array>& outputs) override;
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override;
  int axis() const { return axis_; }
  const Shape& shape() const { return shape_; }
  static Shape output_shape(const array& input, int axis, const Shape& shape);

 private:
  int axis_;
  Shape shape_;
};

/** Output axis i is input axis axes[i]: a view with permuted strides. */
class Transpose : public UnaryPrimitive {
 public:
  Transpose(Stream s, std::vector<int> axes) : UnaryPrimitive(s), axes_(std::move(axes)) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "Transpose"; }
  bool is_equivalent(const Primitive& other) const override;
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums,
                         const std::vector<array>& outputs) override;
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override;
  const std::vector<int>& axes() const { return axes_; }

 private:
  std::vector<int> axes_;
};

/** Broadcast to a shape: a view with zero strides on the repeated axes. */
class Broadcast : public UnaryPrimitive {
 public:
  Broadcast(Stream s, Shape shape) : UnaryPrimitive(s), shape_(std::move(shape)) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "Broadcast"; }
  bool is_equivalent(const Primitive& other) const override;
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums,
                         const std::vector<array>& outputs) override;
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override;
  const Shape& shape() const { return shape_; }

 private:
  Shape shape_;
};

/** Removes size-1 axes (sorted, unique, normalized): a view. */
class Squeeze : public UnaryPrimitive {
 public:
  Squeeze(Stream s, std::vector<int> axes) : UnaryPrimitive(s), axes_(std::move(axes)) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "Squeeze"; }
  bool is_equivalent(const Primitive& other) const override;
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums,
                         const std::vector<array>& outputs) override;
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override;
  const std::vector<int>& axes() const { return axes_; }
  static Shape output_shape(const array& input, const std::vector<int>& axes);

 private:
  std::vector<int> axes_;
};

/** Inserts size-1 axes at output positions (sorted, unique, normalized): a view. */
class ExpandDims : public UnaryPrimitive {
 public:
  ExpandDims(Stream s, std::vector<int> axes) : UnaryPrimitive(s), axes_(std::move(axes)) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "ExpandDims"; }
  bool is_equivalent(const Primitive& other) const override;
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums,
                         const std::vector<array>& outputs) override;
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override;
  const std::vector<int>& axes() const { return axes_; }
  static Shape output_shape(const array& input, const std::vector<int>& axes);

 private:
  std::vector<int> axes_;
};

/** A strided view. Start indices are normalized, stop indices canonical (the
 * exclusive end the view reaches: slicing again with the same parameters
 * gives the same view), strides nonzero (1 on axes of length 1). */
class Slice : public UnaryPrimitive {
 public:
  Slice(Stream s, Shape start_indices, Shape end_indices, Shape strides)
      : UnaryPrimitive(s),
        start_indices_(std::move(start_indices)),
        end_indices_(std::move(end_indices)),
        strides_(std::move(strides)) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "Slice"; }
  bool is_equivalent(const Primitive& other) const override;
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums,
                         const std::vector<array>& outputs) override;
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  const Shape& start_indices() const { return start_indices_; }
  const Shape& end_indices() const { return end_indices_; }
  const Shape& strides() const { return strides_; }

 private:
  Shape start_indices_;
  Shape end_indices_;
  Shape strides_;
};

/** A block of the first input at start positions held by the second input
 * (along `axes`), of size `slice_size`; starts are clamped into range. */
class DynamicSlice : public UnaryPrimitive {
 public:
  DynamicSlice(Stream s, std::vector<int> axes, Shape slice_size)
      : UnaryPrimitive(s), axes_(std::move(axes)), slice_size_(std::move(slice_size)) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "DynamicSlice"; }
  bool is_equivalent(const Primitive& other) const override;
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums,
                         const std::vector<array>& outputs) override;
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  std::vector<Shape> output_shapes(const std::vector<array>&) override { return {slice_size_}; }
  const std::vector<int>& axes() const { return axes_; }
  const Shape& slice_size() const { return slice_size_; }

 private:
  std::vector<int> axes_;
  Shape slice_size_;
};

/** Views of consecutive pieces along `axis`, cut at sorted in-range indices. */
class Split : public Primitive {
 public:
  Split(Stream s, Shape indices, int axis)
      : Primitive(s), indices_(std::move(indices)), axis_(axis) {}
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  void eval_gpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  const char* name() const override { return "Split"; }
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override;
  bool is_equivalent(const Primitive& other) const override;
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums,
                         const std::vector<array>& outputs) override;
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  const Shape& indices() const { return indices_; }
  int axis() const { return axis_; }

 private:
  Shape indices_;
  int axis_;
};

/** Joins the inputs (same dtype, matching shapes off `axis`) along `axis`. */
class Concatenate : public UnaryPrimitive {
 public:
  Concatenate(Stream s, int axis) : UnaryPrimitive(s), axis_(axis) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "Concatenate"; }
  bool is_equivalent(const Primitive& other) const override;
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums,
                         const std::vector<array>& outputs) override;
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override;
  int axis() const { return axis_; }

 private:
  int axis_;
};

/** The adjoint of AsStrided: zeros of `target_shape` with each input element
 * (the input has shape `shape`) added at the position that
 * as_strided(target, shape, strides, offset) reads it from. Overlapping
 * positions accumulate. Used for the vjp of AsStrided and Slice. */
class AsStridedAdd : public UnaryPrimitive {
 public:
  AsStridedAdd(Stream s, Shape target_shape, Shape shape, Strides strides, int64_t offset)
      : UnaryPrimitive(s),
        target_shape_(std::move(target_shape)),
        shape_(std::move(shape)),
        strides_(std::move(strides)),
        offset_(offset) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "AsStridedAdd"; }
  bool is_equivalent(const Primitive& other) const override;
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums,
                         const std::vector<array>& outputs) override;
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  const Shape& target_shape() const { return target_shape_; }
  const Shape& shape() const { return shape_; }
  const Strides& strides() const { return strides_; }
  int64_t offset() const { return offset_; }

 private:
  Shape target_shape_;
  Shape shape_;
  Strides strides_;
  int64_t offset_;
};

/** The first input with the block at the start positions held by the third
 * input (along `axes`, 0 along the others) replaced by the second input; starts
 * are clamped as DynamicSlice clamps them. Used for the vjp of DynamicSlice. */
class DynamicSliceUpdate : public UnaryPrimitive {
 public:
  DynamicSliceUpdate(Stream s, std::vector<int> axes) : UnaryPrimitive(s), axes_(std::move(axes)) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "DynamicSliceUpdate"; }
  bool is_equivalent(const Primitive& other) const override;
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums,
                         const std::vector<array>& outputs) override;
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override {
    return {inputs[0].shape()};
  }
  const std::vector<int>& axes() const { return axes_; }

 private:
  std::vector<int> axes_;
};

namespace detail {
/** Builds an AsStridedAdd node: zeros of `target_shape` (dtype of `values`)
 * plus `values` scattered through the strided view (shape of `values`,
 * `strides`, `offset`). */
array as_strided_add(const array& values, Shape target_shape, Strides strides, int64_t offset,
                     Stream s);
/** Builds a DynamicSliceUpdate node (update has src's rank, each dimension at
 * most src's; `axes` normalized, one per element of `start`). */
array dynamic_slice_update(const array& src, const array& update, const array& start,
                           std::vector<int> axes, Stream s);
} // namespace detail

} // namespace mlx::core
