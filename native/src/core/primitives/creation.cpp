// Transform rules and device fallbacks of the creation primitives.
#include "mlx/primitives/creation.h"

#include <sstream>

#include "mlx/ops.h"

namespace mlx::core {

namespace {
using VmapResult = std::pair<std::vector<array>, std::vector<int>>;
} // namespace

bool AsType::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const AsType*>(&other);
  return o && o->dtype_ == dtype_;
}

// ---- AsType: the cotangent goes back to the input's dtype ----

std::vector<array> AsType::vjp(const std::vector<array>& primals,
                               const std::vector<array>& cotangents, const std::vector<int>&,
                               const std::vector<array>&) {
  return {astype(cotangents[0], primals[0].dtype(), stream())};
}

std::vector<array> AsType::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                               const std::vector<int>&) {
  return {astype(tangents[0], dtype_, stream())};
}

VmapResult AsType::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  return {{astype(inputs[0], dtype_, stream())}, {axes[0]}};
}

// ---- Copy: the identity ----

std::vector<array> Copy::vjp(const std::vector<array>&, const std::vector<array>& cotangents,
                             const std::vector<int>&, const std::vector<array>&) {
  return {cotangents[0]};
}

std::vector<array> Copy::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                             const std::vector<int>&) {
  return {tangents[0]};
}

VmapResult Copy::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  return {{copy(inputs[0], stream())}, {axes[0]}};
}

// ---- Full: a broadcast of its value to the output shape ----

bool Full::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const Full*>(&other);
  return o && o->shape_ == shape_;
}

namespace {
const Shape& full_shape(const std::optional<Shape>& shape, const char* what) {
  if (!shape) {
    std::ostringstream msg;
    msg << "[Full] " << what
        << " needs the output shape, but this Full primitive was built without it.";
    throw std::invalid_argument(msg.str());
  }
  return *shape;
}
} // namespace

std::vector<array> Full::vjp(const std::vector<array>& primals,
                             const std::vector<array>& cotangents, const std::vector<int>&,
                             const std::vector<array>&) {
  // Sum the cotangent over the axes the value was broadcast along.
  const auto& cot = cotangents[0];
  const auto& value = primals[0];
  int lead = static_cast<int>(cot.ndim()) - static_cast<int>(value.ndim());
  std::vector<int> axes;
  for (int i = 0; i < lead; ++i) axes.push_back(i);
  for (int i = 0; i < static_cast<int>(value.ndim()); ++i) {
    if (value.shape(i) == 1 && cot.shape(lead + i) != 1) axes.push_back(lead + i);
  }
  array g = axes.empty() ? cot : sum(cot, axes, true, stream());
  g = reshape(g, value.shape(), stream());
  return {g.dtype() == value.dtype() ? g : astype(g, value.dtype(), stream())};
}

std::vector<array> Full::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                             const std::vector<int>&) {
  return {broadcast_to(tangents[0], full_shape(shape_, "jvp"), stream())};
}

VmapResult Full::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  const Shape& shape = full_shape(shape_, "vmap");
  const auto& in = inputs[0];
  int ax = axes[0];
  if (ax < 0) return {{full(shape, in, in.dtype(), stream())}, {-1}};
  // The value's axes align with the trailing axes of the output shape.
  int diff = static_cast<int>(shape.size()) - (static_cast<int>(in.ndim()) - 1);
  Shape out = shape;
  out.insert(out.begin() + ax + diff, in.shape(ax));
  return {{full(std::move(out), in, in.dtype(), stream())}, {ax + diff}};
}

MLX_NO_GPU(AsType)
MLX_NO_GPU(Copy)
MLX_NO_GPU(Full)

} // namespace mlx::core
