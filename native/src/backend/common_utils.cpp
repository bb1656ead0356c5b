#include "mlx/backend/common/utils.h"

namespace mlx::core {

std::tuple<Shape, std::vector<Strides>> collapse_contiguous_dims(
    const Shape& shape, const std::vector<Strides>& strides) {
  Shape out_shape;
  std::vector<Strides> out_strides(strides.size());
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 1) continue; // size-1 dims never move the offset
    bool merge = !out_shape.empty();
    for (size_t k = 0; merge && k < strides.size(); ++k) {
      merge = out_strides[k].back() == strides[k][i] * shape[i];
    }
    if (merge) {
      out_shape.back() *= shape[i];
      for (size_t k = 0; k < strides.size(); ++k) out_strides[k].back() = strides[k][i];
    } else {
      out_shape.push_back(shape[i]);
      for (size_t k = 0; k < strides.size(); ++k) out_strides[k].push_back(strides[k][i]);
    }
  }
  if (out_shape.empty()) {
    out_shape.push_back(1);
    for (auto& s : out_strides) s.push_back(0);
  }
  return {out_shape, out_strides};
}

ContiguousIterator::ContiguousIterator(const Shape& shape, const Strides& strides, int dims)
    : shape_(shape.begin(), shape.begin() + dims),
      strides_(strides.begin(), strides.begin() + dims),
      pos_(dims, 0) {}

void ContiguousIterator::step() {
  int d = static_cast<int>(shape_.size()) - 1;
  while (d >= 0) {
    if (++pos_[d] < shape_[d]) {
      loc += strides_[d];
      return;
    }
    loc -= strides_[d] * (shape_[d] - 1);
    pos_[d] = 0;
    --d;
  }
}

void ContiguousIterator::seek(int64_t n) {
  loc = 0;
  for (int d = static_cast<int>(shape_.size()) - 1; d >= 0; --d) {
    pos_[d] = static_cast<int32_t>(n % shape_[d]);
    loc += pos_[d] * strides_[d];
    n /= shape_[d];
  }
}

} // namespace mlx::core
