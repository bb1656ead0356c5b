// Transform rules and device fallbacks of the ranges primitives.
#include "mlx/primitives/ranges.h"

namespace mlx::core {

bool Arange::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const Arange*>(&other);
  return o && o->start_ == start_ && o->stop_ == stop_ && o->step_ == step_;
}

bool Linspace::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const Linspace*>(&other);
  return o && o->start_ == start_ && o->stop_ == stop_ && o->endpoint_ == endpoint_;
}

bool Eye::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const Eye*>(&other);
  return o && o->k_ == k_ && o->lower_ == lower_;
}

bool Triangular::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const Triangular*>(&other);
  return o && o->k_ == k_ && o->upper_ == upper_;
}

bool View::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const View*>(&other);
  return o && o->dtype_ == dtype_;
}

MLX_NO_GPU(Arange)
MLX_NO_GPU(Linspace)
MLX_NO_GPU(Eye)
MLX_NO_GPU(Triangular)
MLX_NO_GPU(View)

} // namespace mlx::core
