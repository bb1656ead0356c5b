// Primitives that make or convert arrays: casts, copies, fills.
#pragma once

#include "mlx/primitives.h"

namespace mlx::core {

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
  bool is_equivalent(const Primitive&) const override { return true; }
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override {
    return {inputs[0].shape()};
  }
};

/** Broadcasts its one input (already of the output dtype) to the output shape. */
class Full : public UnaryPrimitive {
 public:
  explicit Full(Stream s) : UnaryPrimitive(s) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "Full"; }
  bool is_equivalent(const Primitive&) const override { return true; }
};

} // namespace mlx::core
