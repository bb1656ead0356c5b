// Transform rules and device fallbacks of the indexing primitives.
#include "mlx/primitives/indexing.h"

namespace mlx::core {

bool Take::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const Take*>(&other);
  return o && o->axis_ == axis_;
}

std::vector<Shape> Take::output_shapes(const std::vector<array>& inputs) {
  const auto& a = inputs[0].shape();
  const auto& idx = inputs[1].shape();
  Shape out(a.begin(), a.begin() + axis_);
  out.insert(out.end(), idx.begin(), idx.end());
  out.insert(out.end(), a.begin() + axis_ + 1, a.end());
  return {out};
}

bool GatherAxis::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const GatherAxis*>(&other);
  return o && o->axis_ == axis_;
}

std::vector<Shape> GatherAxis::output_shapes(const std::vector<array>& inputs) {
  return {take_along_axis_shape(inputs[0].shape(), inputs[1].shape(), axis_)};
}

MLX_NO_GPU(Take)
MLX_NO_GPU(GatherAxis)

} // namespace mlx::core
