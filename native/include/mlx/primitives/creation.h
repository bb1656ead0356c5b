// Primitives that make or convert arrays: casts, copies, fills.
#pragma once

#include <optional>

#include "mlx/primitives.h"

namespace mlx::core {

#define MLX_CREATION_TRANSFORMS                                                                \
  std::vector<array> vjp(const std::vector<array>& primals,                                    \
                         const std::vector<array>& cotangents, const std::vector<int>& argnums, \
                         const std::vector<array>& outputs) override;                          \
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents, \
                         const std::vector<int>& argnums) override;                            \
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,       \
                                                       const std::vector<int>& axes) override;

class AsType : public UnaryPrimitive {
 public:
  AsType(Stream s, Dtype dtype) : UnaryPrimitive(s), dtype_(dtype) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "AsType"; }
  bool is_equivalent(const Primitive& other) const override;
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override {
    return {inputs[0].shape()};
  }
  MLX_CREATION_TRANSFORMS
  Dtype dtype() const { return dtype_; }

 private:
  Dtype dtype_;
};

class Copy : public UnaryPrimitive {
 public:
  explicit Copy(Stream s) : UnaryPrimitive(s) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "Copy"; }
  bool is_equivalent(const Primitive& other) const override {
    return dynamic_cast<const Copy*>(&other) != nullptr;
  }
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override {
    return {inputs[0].shape()};
  }
  MLX_CREATION_TRANSFORMS
};

/** Broadcasts its one input (already of the output dtype) to the output shape.
 * The jvp and vmap rules need that shape: construct with it. */
class Full : public UnaryPrimitive {
 public:
  explicit Full(Stream s) : UnaryPrimitive(s) {}
  Full(Stream s, Shape shape) : UnaryPrimitive(s), shape_(std::move(shape)) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "Full"; }
  bool is_equivalent(const Primitive& other) const override;
  MLX_CREATION_TRANSFORMS
  /** The output shape, when the primitive was built with it. */
  const std::optional<Shape>& shape() const { return shape_; }

 private:
  std::optional<Shape> shape_;
};

#undef MLX_CREATION_TRANSFORMS

} // namespace mlx::core
