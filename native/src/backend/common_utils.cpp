#include "mlx/backend/common/utils.h"

#include <cstdlib>

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

std::pair<array::Flags, size_t> view_flags(const Shape& shape, const Strides& strides) {
  size_t size = 1;
  for (auto d : shape) size *= d;
  array::Flags f{};
  if (size == 0) {
    f.contiguous = f.row_contiguous = f.col_contiguous = true;
    return {f, 0};
  }
  size_t span = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    span += static_cast<size_t>(shape[i] - 1) * static_cast<size_t>(std::llabs(strides[i]));
  }
  // Compare with dense strides, ignoring size-1 dims (their stride is free).
  bool row = true, col = true;
  int64_t expect = 1;
  for (int i = static_cast<int>(shape.size()) - 1; i >= 0; --i) {
    if (shape[i] == 1) continue;
    row = row && strides[i] == expect;
    expect *= shape[i];
  }
  expect = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 1) continue;
    col = col && strides[i] == expect;
    expect *= shape[i];
  }
  f.row_contiguous = row;
  f.col_contiguous = col;
  // Dense in some order: positive strides, no gaps, no overlaps.
  bool positive = true;
  for (size_t i = 0; i < shape.size(); ++i) positive = positive && (shape[i] == 1 || strides[i] > 0);
  f.contiguous = row || col || (positive && span == size);
  return {f, span};
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
