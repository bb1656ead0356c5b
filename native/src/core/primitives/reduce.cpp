// Transform rules and device fallbacks of the reduce primitives.
#include "mlx/primitives/reduce.h"

namespace mlx::core {

std::vector<Shape> AxesReduction::output_shapes(const std::vector<array>& inputs) {
  const auto& in = inputs[0].shape();
  Shape out;
  size_t j = 0;
  for (int i = 0; i < static_cast<int>(in.size()); ++i) {
    if (j < axes_.size() && axes_[j] == i) {
      ++j;
      if (keepdims_) out.push_back(1);
    } else {
      out.push_back(in[i]);
    }
  }
  return {out};
}

const char* Reduce::name() const {
  switch (type_) {
    case And: return "All";
    case Or: return "Any";
    case Sum: return "Sum";
    case Prod: return "Prod";
    case Min: return "Min";
    case Max: return "Max";
  }
  return "Reduce";
}

bool Reduce::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const Reduce*>(&other);
  return o && o->type_ == type_ && same_axes(*o);
}

bool Mean::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const Mean*>(&other);
  return o && same_axes(*o);
}

bool Var::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const Var*>(&other);
  return o && same_axes(*o) && o->ddof_ == ddof_ && o->is_std_ == is_std_;
}

bool LogSumExp::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const LogSumExp*>(&other);
  return o && same_axes(*o);
}

bool ArgReduce::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const ArgReduce*>(&other);
  return o && o->type_ == type_ && o->axis_ == axis_ && o->keepdims_ == keepdims_;
}

std::vector<Shape> ArgReduce::output_shapes(const std::vector<array>& inputs) {
  const auto& in = inputs[0].shape();
  if (axis_ < 0) return {keepdims_ ? Shape(in.size(), 1) : Shape{}};
  Shape out = in;
  if (keepdims_) {
    out[axis_] = 1;
  } else {
    out.erase(out.begin() + axis_);
  }
  return {out};
}

MLX_NO_GPU(Reduce)
MLX_NO_GPU(Mean)
MLX_NO_GPU(Var)
MLX_NO_GPU(LogSumExp)
MLX_NO_GPU(ArgReduce)

} // namespace mlx::core
