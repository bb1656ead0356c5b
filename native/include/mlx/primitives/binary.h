// Primitives of the binary family: elementwise ops of two or three inputs.
//
// The ops cast the inputs to the computation dtype; the primitives broadcast
// their inputs to the output shape themselves (an input may have fewer or
// size-1 dimensions), so no materialised broadcast is needed.
#pragma once

#include "mlx/primitives.h"

namespace mlx::core {

/** The broadcast shape of the inputs (the output shape of every primitive here). */
Shape binary_output_shape(const std::vector<array>& inputs);

// The transformation rules every primitive here defines. The vjp rules sum the
// cotangent back to each input's shape (the inputs broadcast inside the op);
// the vmap rules line up the mapped axes of all inputs at one position.
#define MLX_BINARY_TRANSFORMS                                                                  \
  std::vector<array> vjp(const std::vector<array>& primals,                                    \
                         const std::vector<array>& cotangents, const std::vector<int>& argnums, \
                         const std::vector<array>& outputs) override;                          \
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents, \
                         const std::vector<int>& argnums) override;                            \
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,       \
                                                       const std::vector<int>& axes) override;

#define MLX_BINARY_PRIMITIVE(NAME)                                                 \
  class NAME : public UnaryPrimitive {                                             \
   public:                                                                         \
    explicit NAME(Stream s) : UnaryPrimitive(s) {}                                 \
    void eval_cpu(const std::vector<array>& inputs, array& out) override;          \
    void eval_gpu(const std::vector<array>& inputs, array& out) override;          \
    const char* name() const override { return #NAME; }                            \
    bool is_equivalent(const Primitive& other) const override {                    \
      return dynamic_cast<const NAME*>(&other) != nullptr;                         \
    }                                                                              \
    std::vector<Shape> output_shapes(const std::vector<array>& inputs) override {  \
      return {binary_output_shape(inputs)};                                        \
    }                                                                              \
    MLX_BINARY_TRANSFORMS                                                          \
  };

MLX_BINARY_PRIMITIVE(Add)
MLX_BINARY_PRIMITIVE(Subtract)
MLX_BINARY_PRIMITIVE(Multiply)
/** True division (the op gives it floating point inputs). */
MLX_BINARY_PRIMITIVE(Divide)
/** Floor division: integers round toward -inf, floats give floor(a / b). */
MLX_BINARY_PRIMITIVE(FloorDivide)
/** Remainder with the divisor's sign. */
MLX_BINARY_PRIMITIVE(Remainder)
MLX_BINARY_PRIMITIVE(Power)
MLX_BINARY_PRIMITIVE(Maximum)
MLX_BINARY_PRIMITIVE(Minimum)
MLX_BINARY_PRIMITIVE(ArcTan2)
MLX_BINARY_PRIMITIVE(LogAddExp)
MLX_BINARY_PRIMITIVE(NotEqual)
MLX_BINARY_PRIMITIVE(Less)
MLX_BINARY_PRIMITIVE(LessEqual)
MLX_BINARY_PRIMITIVE(Greater)
MLX_BINARY_PRIMITIVE(GreaterEqual)
MLX_BINARY_PRIMITIVE(LogicalAnd)
MLX_BINARY_PRIMITIVE(LogicalOr)
/** Inputs: condition (bool), x, y (all of the output dtype). */
MLX_BINARY_PRIMITIVE(Select)
#undef MLX_BINARY_PRIMITIVE

/** a == b; with equal_nan, NaN equals NaN. */
class Equal : public UnaryPrimitive {
 public:
  explicit Equal(Stream s, bool equal_nan = false) : UnaryPrimitive(s), equal_nan_(equal_nan) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return equal_nan_ ? "NaNEqual" : "Equal"; }
  bool is_equivalent(const Primitive& other) const override;
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override {
    return {binary_output_shape(inputs)};
  }
  bool equal_nan() const { return equal_nan_; }
  MLX_BINARY_TRANSFORMS

 private:
  bool equal_nan_;
};

class BitwiseBinary : public UnaryPrimitive {
 public:
  enum class Op { And, Or, Xor, LeftShift, RightShift };
  BitwiseBinary(Stream s, Op op) : UnaryPrimitive(s), op_(op) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override;
  bool is_equivalent(const Primitive& other) const override;
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override {
    return {binary_output_shape(inputs)};
  }
  Op op() const { return op_; }
  MLX_BINARY_TRANSFORMS

 private:
  Op op_;
};

/** Quotient and remainder of floor division (two outputs). */
class DivMod : public Primitive {
 public:
  explicit DivMod(Stream s) : Primitive(s) {}
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  void eval_gpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  const char* name() const override { return "DivMod"; }
  bool is_equivalent(const Primitive& other) const override {
    return dynamic_cast<const DivMod*>(&other) != nullptr;
  }
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override {
    auto s = binary_output_shape(inputs);
    return {s, s};
  }
  MLX_BINARY_TRANSFORMS
};

/** Elementwise closeness (bool); with `reduce`, whether all elements are close (0-d bool). */
class IsClose : public UnaryPrimitive {
 public:
  IsClose(Stream s, double rtol, double atol, bool equal_nan, bool reduce = false)
      : UnaryPrimitive(s), rtol_(rtol), atol_(atol), equal_nan_(equal_nan), reduce_(reduce) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return reduce_ ? "AllClose" : "IsClose"; }
  bool is_equivalent(const Primitive& other) const override;
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override;
  double rtol() const { return rtol_; }
  double atol() const { return atol_; }
  bool equal_nan() const { return equal_nan_; }
  bool reduce() const { return reduce_; }
  MLX_BINARY_TRANSFORMS

 private:
  double rtol_;
  double atol_;
  bool equal_nan_;
  bool reduce_;
};

/** Whether two same-shaped inputs (of one dtype) are equal everywhere (0-d bool). */
class ArrayEqual : public UnaryPrimitive {
 public:
  ArrayEqual(Stream s, bool equal_nan) : UnaryPrimitive(s), equal_nan_(equal_nan) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "ArrayEqual"; }
  bool is_equivalent(const Primitive& other) const override;
  std::vector<Shape> output_shapes(const std::vector<array>&) override { return {Shape{}}; }
  bool equal_nan() const { return equal_nan_; }
  MLX_BINARY_TRANSFORMS

 private:
  bool equal_nan_;
};

} // namespace mlx::core
