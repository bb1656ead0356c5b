// Primitives of the indexing family.
#pragma once

#include "mlx/primitives.h"

namespace mlx::core {

/** out[p..., i..., q...] = a[p..., idx[i...], q...] along `axis`.
 * Inputs: (a, indices) with integral indices of any shape. Output shape:
 * a.shape[:axis] + indices.shape + a.shape[axis+1:]. Negative indices wrap
 * once; indices still out of range are clamped (never read out of bounds). */
class Take : public UnaryPrimitive {
 public:
  Take(Stream s, int axis) : UnaryPrimitive(s), axis_(axis) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "Take"; }
  bool is_equivalent(const Primitive& other) const override;
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override;
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums,
                         const std::vector<array>& outputs) override;
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  int axis() const { return axis_; }

 private:
  int axis_;
};

/** take_along_axis: inputs (a, indices) of equal rank that broadcast against
 * each other in every dimension but `axis` (the broadcast happens inside the
 * kernel). Output: the broadcast shape with indices' size along `axis`. Index
 * wrapping and clamping as in Take. */
class GatherAxis : public UnaryPrimitive {
 public:
  GatherAxis(Stream s, int axis) : UnaryPrimitive(s), axis_(axis) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "GatherAxis"; }
  bool is_equivalent(const Primitive& other) const override;
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override;
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums,
                         const std::vector<array>& outputs) override;
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  int axis() const { return axis_; }

 private:
  int axis_;
};

/** The scatter-add that differentiates the gathers: inputs (src, indices,
 * updates) of equal rank; the output has src's shape and dtype and equals src
 * plus, for every position x of updates,
 *   out[x with x[axis] -> indices[x], and x[d] -> 0 where src.shape[d] == 1] += updates[x].
 * Indices broadcast against updates (size-1 dimensions); src dimensions other
 * than `axis` either match updates' or are 1 (the updates along them are
 * summed: the vjp of a gather that broadcast its input). Index wrapping and
 * clamping as in Take. Built by `scatter_add_axis` and the gathers' vjps. */
class ScatterAddAxis : public UnaryPrimitive {
 public:
  ScatterAddAxis(Stream s, int axis) : UnaryPrimitive(s), axis_(axis) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "ScatterAddAxis"; }
  bool is_equivalent(const Primitive& other) const override;
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override {
    return {inputs[0].shape()};
  }
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums,
                         const std::vector<array>& outputs) override;
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  int axis() const { return axis_; }

 private:
  int axis_;
};

/** The output shape of take_along_axis for these input shapes (no checks). */
Shape take_along_axis_shape(const Shape& a, const Shape& indices, int axis);

} // namespace mlx::core
