// Transform rules and device fallbacks of the ranges primitives.
//
// Arange, Linspace and Eye/Tri have no inputs: nothing to differentiate or
// map (the transforms never reach them); they only report their shapes.
// Triangular (tril/triu) is linear: its vjp and jvp apply the same mask.
// View reinterprets bytes: not differentiable (as in MLX), but it maps.
#include "mlx/primitives/ranges.h"

#include <cmath>

#include "mlx/ops.h"

namespace mlx::core {

bool Arange::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const Arange*>(&other);
  return o && o->start_ == start_ && o->stop_ == stop_ && o->step_ == step_;
}

std::vector<Shape> Arange::output_shapes(const std::vector<array>&) {
  // As the op computes it (the op never builds an Arange for an infinite step).
  double n = std::ceil((stop_ - start_) / step_);
  return {Shape{n > 0 ? static_cast<int32_t>(n) : 0}};
}

bool Linspace::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const Linspace*>(&other);
  return o && o->start_ == start_ && o->stop_ == stop_ && o->num_ == num_ &&
         o->endpoint_ == endpoint_;
}

bool Eye::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const Eye*>(&other);
  return o && o->n_ == n_ && o->m_ == m_ && o->k_ == k_ && o->lower_ == lower_;
}

// ---------------------------------------------------------------- Triangular

bool Triangular::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const Triangular*>(&other);
  return o && o->k_ == k_ && o->upper_ == upper_;
}

std::vector<array> Triangular::vjp(const std::vector<array>& primals,
                                   const std::vector<array>& cotangents,
                                   const std::vector<int>& argnums, const std::vector<array>&) {
  // The kept elements pass their cotangent through; the zeroed ones get none.
  // The gradient keeps the primal's dtype.
  auto dtype = primals[0].dtype();
  auto ct = cotangents[0].dtype() == dtype ? cotangents[0] : astype(cotangents[0], dtype, stream());
  std::vector<array> vjps;
  for (size_t i = 0; i < argnums.size(); ++i) {
    vjps.push_back(upper_ ? triu(ct, k_, stream()) : tril(ct, k_, stream()));
  }
  return vjps;
}

std::vector<array> Triangular::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                                   const std::vector<int>&) {
  return {upper_ ? triu(tangents[0], k_, stream()) : tril(tangents[0], k_, stream())};
}

std::pair<std::vector<array>, std::vector<int>> Triangular::vmap(
    const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto x = inputs[0];
  int ax = axes[0];
  // The mask acts on the last two axes: keep the batch axis out of them.
  if (ax >= static_cast<int>(x.ndim()) - 2) {
    x = moveaxis(x, ax, 0, stream());
    ax = 0;
  }
  return {{upper_ ? triu(x, k_, stream()) : tril(x, k_, stream())}, {ax}};
}

// ---------------------------------------------------------------- View

bool View::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const View*>(&other);
  return o && o->dtype_ == dtype_;
}

std::vector<Shape> View::output_shapes(const std::vector<array>& inputs) {
  const auto& in = inputs[0];
  auto shape = in.shape();
  size_t ib = size_of(in.dtype()), ob = size_of(dtype_);
  if (!shape.empty() && ib < ob) shape.back() /= static_cast<int32_t>(ob / ib);
  if (!shape.empty() && ib > ob) shape.back() *= static_cast<int32_t>(ib / ob);
  return {shape};
}

std::vector<array> View::vjp(const std::vector<array>&, const std::vector<array>&,
                             const std::vector<int>&, const std::vector<array>&) {
  throw std::invalid_argument(
      "[view] Cannot compute the gradient through view: it reinterprets the bytes of its "
      "input as another dtype, which is not differentiable.");
}

std::vector<array> View::jvp(const std::vector<array>&, const std::vector<array>&,
                             const std::vector<int>&) {
  throw std::invalid_argument(
      "[view] Cannot compute the jvp through view: it reinterprets the bytes of its input as "
      "another dtype, which is not differentiable.");
}

std::pair<std::vector<array>, std::vector<int>> View::vmap(const std::vector<array>& inputs,
                                                           const std::vector<int>& axes) {
  auto x = inputs[0];
  int ax = axes[0];
  // Changing the item size rescales the last axis: keep the batch axis off it.
  if (ax >= 0 && ax == static_cast<int>(x.ndim()) - 1 &&
      size_of(x.dtype()) != size_of(dtype_)) {
    x = moveaxis(x, ax, 0, stream());
    ax = 0;
  }
  return {{view(x, dtype_, stream())}, {ax}};
}

MLX_NO_GPU(Arange)
MLX_NO_GPU(Linspace)
MLX_NO_GPU(Eye)
MLX_NO_GPU(Triangular)
MLX_NO_GPU(View)

} // namespace mlx::core
