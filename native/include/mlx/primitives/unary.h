// Primitives of the unary family: one input, one output of the same shape.
// The op (ops/unary.cpp) has already cast the input to the dtype the kernel
// computes in, so each primitive's output dtype is fixed by its input's
// (bool for the predicates, float32 for Real/Imag of complex64).
#pragma once

#include "mlx/primitives.h"

namespace mlx::core {

/** Base of the elementwise unary primitives: the output has the input's shape. */
class ElementwiseUnary : public UnaryPrimitive {
 public:
  explicit ElementwiseUnary(Stream s) : UnaryPrimitive(s) {}
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override {
    return {inputs[0].shape()};
  }
};

// The transformation rules every unary primitive defines (primitives/unary.cpp).
#define MLX_UNARY_TRANSFORMS                                                   \
  std::vector<array> jvp(const std::vector<array>& primals,                    \
                         const std::vector<array>& tangents,                   \
                         const std::vector<int>& argnums) override;            \
  std::vector<array> vjp(const std::vector<array>& primals,                    \
                         const std::vector<array>& cotangents,                 \
                         const std::vector<int>& argnums,                      \
                         const std::vector<array>& outputs) override;          \
  std::pair<std::vector<array>, std::vector<int>> vmap(                        \
      const std::vector<array>& inputs, const std::vector<int>& axes) override;

// A parameterless elementwise primitive: equivalent to any other instance.
#define MLX_UNARY_PRIMITIVE(NAME)                                              \
  class NAME : public ElementwiseUnary {                                       \
   public:                                                                     \
    explicit NAME(Stream s) : ElementwiseUnary(s) {}                           \
    void eval_cpu(const std::vector<array>& inputs, array& out) override;      \
    void eval_gpu(const std::vector<array>& inputs, array& out) override;      \
    const char* name() const override { return #NAME; }                        \
    bool is_equivalent(const Primitive& other) const override {                \
      return dynamic_cast<const NAME*>(&other) != nullptr;                     \
    }                                                                          \
    MLX_UNARY_TRANSFORMS                                                       \
  };

MLX_UNARY_PRIMITIVE(Abs)
MLX_UNARY_PRIMITIVE(Negative)
MLX_UNARY_PRIMITIVE(Sign)
MLX_UNARY_PRIMITIVE(Exp)
MLX_UNARY_PRIMITIVE(Expm1)
MLX_UNARY_PRIMITIVE(Log1p)
MLX_UNARY_PRIMITIVE(Square)
MLX_UNARY_PRIMITIVE(Reciprocal)
MLX_UNARY_PRIMITIVE(Sin)
MLX_UNARY_PRIMITIVE(Cos)
MLX_UNARY_PRIMITIVE(Tan)
MLX_UNARY_PRIMITIVE(ArcSin)
MLX_UNARY_PRIMITIVE(ArcCos)
MLX_UNARY_PRIMITIVE(ArcTan)
MLX_UNARY_PRIMITIVE(Sinh)
MLX_UNARY_PRIMITIVE(Cosh)
MLX_UNARY_PRIMITIVE(Tanh)
MLX_UNARY_PRIMITIVE(ArcSinh)
MLX_UNARY_PRIMITIVE(ArcCosh)
MLX_UNARY_PRIMITIVE(ArcTanh)
MLX_UNARY_PRIMITIVE(Floor)
MLX_UNARY_PRIMITIVE(Ceil)
MLX_UNARY_PRIMITIVE(Erf)
MLX_UNARY_PRIMITIVE(ErfInv)
MLX_UNARY_PRIMITIVE(Sigmoid)
MLX_UNARY_PRIMITIVE(IsNaN)
MLX_UNARY_PRIMITIVE(IsInf)
MLX_UNARY_PRIMITIVE(IsPosInf)
MLX_UNARY_PRIMITIVE(IsNegInf)
MLX_UNARY_PRIMITIVE(IsFinite)
MLX_UNARY_PRIMITIVE(LogicalNot)
MLX_UNARY_PRIMITIVE(BitwiseInvert)
MLX_UNARY_PRIMITIVE(Conjugate)
MLX_UNARY_PRIMITIVE(Real)
MLX_UNARY_PRIMITIVE(Imag)
MLX_UNARY_PRIMITIVE(StopGradient)

#undef MLX_UNARY_PRIMITIVE

/** Logarithm in base e, 2 or 10. */
class Log : public ElementwiseUnary {
 public:
  enum class Base { e, two, ten };
  Log(Stream s, Base base) : ElementwiseUnary(s), base_(base) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override;
  bool is_equivalent(const Primitive& other) const override;
  MLX_UNARY_TRANSFORMS
  Base base() const { return base_; }

 private:
  Base base_;
};

/** Square root, or its reciprocal when `recip`. */
class Sqrt : public ElementwiseUnary {
 public:
  explicit Sqrt(Stream s, bool recip = false) : ElementwiseUnary(s), recip_(recip) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return recip_ ? "Rsqrt" : "Sqrt"; }
  bool is_equivalent(const Primitive& other) const override;
  MLX_UNARY_TRANSFORMS
  bool recip() const { return recip_; }

 private:
  bool recip_;
};

/** Rounds half to even. With `decimals` != 0 (floating inputs only) computes
 * round(a * 10^d) * 10^-d with both factors float32 constants and every
 * product in a's dtype, as MLX; float64 divides by 10^|d| instead, as numpy. */
class Round : public ElementwiseUnary {
 public:
  explicit Round(Stream s, int decimals = 0) : ElementwiseUnary(s), decimals_(decimals) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "Round"; }
  bool is_equivalent(const Primitive& other) const override;
  MLX_UNARY_TRANSFORMS
  int decimals() const { return decimals_; }

 private:
  int decimals_;
};

/** Multiplies by a constant converted to the input's dtype (degrees, radians). */
class ScaleUnary : public ElementwiseUnary {
 public:
  enum class Kind { degrees, radians };
  ScaleUnary(Stream s, Kind kind) : ElementwiseUnary(s), kind_(kind) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return kind_ == Kind::degrees ? "Degrees" : "Radians"; }
  bool is_equivalent(const Primitive& other) const override;
  MLX_UNARY_TRANSFORMS
  Kind kind() const { return kind_; }
  /** The factor: 180 / pi or pi / 180. */
  double scale() const;

 private:
  Kind kind_;
};

#undef MLX_UNARY_TRANSFORMS

} // namespace mlx::core
