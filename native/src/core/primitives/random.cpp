// Transform rules and device fallbacks of the random primitives.
#include "mlx/primitives/random.h"

namespace mlx::core {

bool RandomBits::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const RandomBits*>(&other);
  return o && o->shape_ == shape_ && o->width_ == width_;
}

std::vector<Shape> RandomBits::output_shapes(const std::vector<array>& inputs) {
  const auto& ks = inputs[0].shape();
  Shape out(ks.begin(), ks.end() - 1);
  out.insert(out.end(), shape_.begin(), shape_.end());
  return {out};
}

bool RandomNormal::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const RandomNormal*>(&other);
  return o && o->has_scale_ == has_scale_ && o->has_loc_ == has_loc_;
}

MLX_NO_GPU(RandomBits)
MLX_NO_GPU(RandomUniform)
MLX_NO_GPU(RandomNormal)
MLX_NO_GPU(RandomInt)
MLX_NO_GPU(RandomBernoulli)

} // namespace mlx::core
