// Transform rules and device fallbacks of the binary primitives.
// (Gradients and vmap come with the transforms issue.)
#include "mlx/primitives/binary.h"

#include "mlx/utils.h"

namespace mlx::core {

Shape binary_output_shape(const std::vector<array>& inputs) {
  Shape out;
  for (auto& in : inputs) out = broadcast_shapes(out, in.shape());
  return out;
}

bool Equal::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const Equal*>(&other);
  return o && o->equal_nan_ == equal_nan_;
}

const char* BitwiseBinary::name() const {
  switch (op_) {
    case Op::And: return "BitwiseAnd";
    case Op::Or: return "BitwiseOr";
    case Op::Xor: return "BitwiseXor";
    case Op::LeftShift: return "LeftShift";
    case Op::RightShift: return "RightShift";
  }
  return "BitwiseBinary";
}

bool BitwiseBinary::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const BitwiseBinary*>(&other);
  return o && o->op_ == op_;
}

bool IsClose::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const IsClose*>(&other);
  return o && o->rtol_ == rtol_ && o->atol_ == atol_ && o->equal_nan_ == equal_nan_ &&
         o->reduce_ == reduce_;
}

std::vector<Shape> IsClose::output_shapes(const std::vector<array>& inputs) {
  if (reduce_) return {Shape{}};
  return {binary_output_shape(inputs)};
}

bool ArrayEqual::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const ArrayEqual*>(&other);
  return o && o->equal_nan_ == equal_nan_;
}

MLX_NO_GPU(Add)
MLX_NO_GPU(Subtract)
MLX_NO_GPU(Multiply)
MLX_NO_GPU(Divide)
MLX_NO_GPU(FloorDivide)
MLX_NO_GPU(Remainder)
MLX_NO_GPU(Power)
MLX_NO_GPU(Maximum)
MLX_NO_GPU(Minimum)
MLX_NO_GPU(ArcTan2)
MLX_NO_GPU(LogAddExp)
MLX_NO_GPU(Equal)
MLX_NO_GPU(NotEqual)
MLX_NO_GPU(Less)
MLX_NO_GPU(LessEqual)
MLX_NO_GPU(Greater)
MLX_NO_GPU(GreaterEqual)
MLX_NO_GPU(LogicalAnd)
MLX_NO_GPU(LogicalOr)
MLX_NO_GPU(BitwiseBinary)
MLX_NO_GPU(Select)
MLX_NO_GPU(IsClose)
MLX_NO_GPU(ArrayEqual)
MLX_NO_GPU_MULTI(DivMod)

} // namespace mlx::core
