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
  bool is_equivalent(const Primitive& other) const override;

 private:
  Shape shape_;
  Strides strides_;
  int64_t offset_;
};

} // namespace mlx::core
